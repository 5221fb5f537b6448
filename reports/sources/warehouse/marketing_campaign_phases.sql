-- Every campaign's phases against its baseline (agg_campaign_phases, default attribution
-- model): the window, spend, the campaign's sessions, conversion and credited revenue, the
-- channel's sessions, conversion and credited revenue in the same window, ROI, the post
-- window's repurchase; with the campaign's name and channel, the phase's name in both
-- languages, and whether the alert rule campaign_burst_below_baseline fired on the
-- campaign (kpi_alert_evaluations). One row per campaign x phase.
with burst_alert as (
    select
        slice_value as campaign_id,
        bool_or(is_firing) as is_burst_below_baseline_alert
    from metrics.kpi_alert_evaluations
    where rule_id = 'campaign_burst_below_baseline'
    group by slice_value
)

select
    p.campaign_id,
    k.campaign_name,
    k.campaign_type,
    p.channel,
    c.channel_name_en,
    c.channel_name_zh,
    k.warmup_start_date,
    k.end_date,
    p.phase,
    p.phase_order,
    ph.name_en as phase_name_en,
    ph.name_zh as phase_name_zh,
    p.starts_at,
    p.ends_at,
    date_diff('hour', p.starts_at, p.ends_at) / 24.0 as phase_days,
    p.spend_cny,
    cast(p.campaign_sessions as bigint) as campaign_sessions,
    cast(p.campaign_paying_sessions as bigint) as campaign_paying_sessions,
    p.campaign_conversion_rate,
    cast(p.channel_sessions as bigint) as channel_sessions,
    cast(p.channel_paying_sessions as bigint) as channel_paying_sessions,
    p.channel_conversion_rate,
    p.channel_attributed_net_revenue_cny,
    p.campaign_attributed_net_revenue_cny,
    p.roi,
    p.campaign_buyers,
    p.campaign_buyers_repurchasing,
    p.post_campaign_repurchase_rate,
    p.review_due_date,
    coalesce(a.is_burst_below_baseline_alert, false) as is_burst_below_baseline_alert
from marts.agg_campaign_phases as p
inner join marts.dim_campaigns as k
    on p.campaign_id = k.campaign_id
left join reference.channels as c
    on p.channel = c.channel
left join reference.code_labels as ph
    on ph.label_kind = 'campaign_phase' and p.phase = ph.code
left join burst_alert as a
    on p.campaign_id = a.campaign_id
order by k.warmup_start_date, p.campaign_id, p.phase_order
