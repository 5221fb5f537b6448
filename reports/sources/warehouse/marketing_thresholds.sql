-- The marketing page's target and alert lines, one row, each read where the project keeps
-- it: targets from the KPI registry (ROI, LTV : CAC, cost per acquired user, campaign ROI by
-- phase), alert thresholds from the alert rules, or, when a rule takes its threshold from a
-- dbt var, from that rule's evaluations (pause line, budget overrun, contingency reserve),
-- and the default attribution model from the marts' flag.
with rule_thresholds as (
    select
        r.rule_id,
        coalesce(r.threshold, max(e.threshold)) as threshold
    from metrics.kpi_alert_rules as r
    left join metrics.kpi_alert_evaluations as e
        on r.rule_id = e.rule_id
    group by r.rule_id, r.threshold
),

registry_targets as (
    select
        max(case when kpi_id = 'roi' then target end) as roi_target,
        max(case when kpi_id = 'ltv_to_cac' then target end) as ltv_to_cac_target,
        max(case when kpi_id = 'cost_per_registered_user' then target end)
            as cost_per_registered_user_target,
        max(case when kpi_id = 'campaign_phase_roi' then target end) as campaign_roi_target
    from metrics.kpi_registry
),

alert_lines as (
    select
        max(case when rule_id = 'pause_channel' then threshold end) as pause_roi_below,
        max(case when rule_id = 'budget_overrun_freeze' then threshold end)
            as freeze_budget_used_above,
        -- The rule fires when spend reaches budget x (1 - reserve share).
        1 - max(case when rule_id = 'contingency_reserve' then threshold end)
            as contingency_reserve_share,
        max(case when rule_id = 'campaign_burst_below_baseline' then threshold end)
            as burst_below_baseline_ratio,
        max(case when rule_id = 'campaign_hours_below_baseline' then threshold end)
            as hours_below_baseline_ratio
    from rule_thresholds
),

default_model as (
    select
        min(m.attribution_model) as default_attribution_model,
        min(am.name_en) as default_attribution_model_name_en,
        min(am.name_zh) as default_attribution_model_name_zh
    from marts.agg_channel_months as m
    left join reference.code_labels as am
        on am.label_kind = 'attribution_model' and m.attribution_model = am.code
    where m.is_default_attribution_model
)

select *
from registry_targets
cross join alert_lines
cross join default_model
