-- Alert rule evaluations 預警規則評估: one row per rule x slice x period judged, from the
-- eight module models (int_kpi_alerts_<module>), firing or not, with the rule's module. The
-- table answers "why did (or didn't) this alert fire": the value, the threshold it met, the
-- volume the period had and whether that was enough to judge it. kpi_alerts keeps the
-- firings and their state.

with

rules as (
    select * from {{ ref('kpi_alert_rules') }}
),

evaluations as (
    {%- for module in [
        'traffic', 'conversion', 'retention', 'marketing_spend', 'channel_roi', 'campaign',
        'supply_chain', 'data_quality'
    ] %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select * from {{ ref('int_kpi_alerts_' ~ module) }}
    {%- endfor %}
),

final as (
    select
        {{ surrogate_key([
            'evaluations.rule_id', 'evaluations.slice_kind', 'evaluations.slice_value',
            'evaluations.period_start_at'
        ]) }} as evaluation_id,
        evaluations.rule_id,
        rules.alert_module,
        evaluations.kpi_id,
        evaluations.slice_kind,
        evaluations.slice_value,
        evaluations.period_grain,
        cast(evaluations.period_start_at as date) as period_start_date,
        evaluations.period_start_at,
        evaluations.period_end_at,
        evaluations.value,
        rules.comparison,
        evaluations.threshold,
        evaluations.reference_value,
        evaluations.volume,
        evaluations.min_volume,
        evaluations.has_enough_volume,
        evaluations.is_firing,
        evaluations.severity,
        evaluations.detail
    from evaluations
    inner join rules
        on evaluations.rule_id = rules.rule_id
)

select * from final
