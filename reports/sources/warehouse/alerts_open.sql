-- The alerts open at the end of the data, with the rule, the judged value against its
-- threshold and the prescribed action in both languages. One row per open alert.
-- Evidence writes no file for an empty result, and a site whose table has no file fails to
-- load: a shop with no open alert gets one row of nulls (alert_id is null), which the
-- pages skip.
with

open_alerts as (
    select
        a.alert_id,
        a.alert_module,
        md.name_en as module_name_en,
        a.alert_module_zh as module_name_zh,
        a.module_order,
        a.rule_id,
        a.rule_en,
        a.rule_zh,
        a.kpi_id,
        a.kpi_name_en,
        a.kpi_name_zh,
        a.slice_kind,
        a.slice_value,
        -- What the alert is about, named in each language where a seed or a dimension names it
        -- (product and campaign names are the shop's own, in one language).
        case a.slice_kind
            when 'channel' then ch.channel_name_en
            when 'rfm_segment' then seg.segment_name_en
            when 'product' then p.product_name || ' (' || a.slice_value || ')'
            when 'campaign' then c.campaign_name || ' (' || a.slice_value || ')'
            when 'total' then 'Whole shop'
            else a.slice_value
        end as slice_name_en,
        case a.slice_kind
            when 'channel' then ch.channel_name_zh
            when 'rfm_segment' then seg.segment_name_zh
            when 'product' then p.product_name || '（' || a.slice_value || '）'
            when 'campaign' then c.campaign_name || '（' || a.slice_value || '）'
            when 'total' then '全店'
            else a.slice_value
        end as slice_name_zh,
        a.period_grain,
        a.period_start_date,
        a.value,
        a.value_unit,
        a.comparison,
        a.threshold,
        a.severity,
        sev.name_en as severity_name_en,
        sev.name_zh as severity_name_zh,
        sev.display_order as severity_order,
        a.state,
        st.name_en as state_name_en,
        st.name_zh as state_name_zh,
        a.first_fired_at,
        a.firing_periods,
        a.action_en,
        a.action_zh,
        a.detail
    from metrics.kpi_alerts as a
    left join reference.code_labels as sev
        on sev.label_kind = 'alert_severity' and a.severity = sev.code
    left join reference.code_labels as md
        on md.label_kind = 'alert_module' and a.alert_module = md.code
    left join reference.code_labels as st
        on st.label_kind = 'alert_state' and a.state = st.code
    left join reference.channels as ch
        on a.slice_kind = 'channel' and a.slice_value = ch.channel
    left join reference.rfm_segments as seg
        on a.slice_kind = 'rfm_segment' and a.slice_value = seg.segment_code
    left join marts.dim_products as p
        on a.slice_kind = 'product' and a.slice_value = p.product_id
    left join marts.dim_campaigns as c
        on a.slice_kind = 'campaign' and a.slice_value = c.campaign_id
    where a.is_open
),

no_alert as (
    -- All columns null: open_alerts' row shape, joined on nothing.
    select open_alerts.*
    from (select 1 as one) as placeholder
    left join open_alerts
        on false
    where not exists (select 1 from open_alerts)
)

select * from open_alerts
union all
select * from no_alert
order by severity_order, module_order, rule_id, slice_value
