-- Customers per lifecycle stage at the as-of date (snap_customer_lifecycle) and how many of
-- them carry a churn warning, with the stage names (code_labels) and the warning rule's
-- multiple of the expected repurchase cycle. One row per stage of code_labels.
with stages as (
    select
        lifecycle_stage,
        count(*) as customers,
        count(*) filter (where is_churn_warning) as churn_warning_customers,
        count(*) filter (where is_buyer) as buyers,
        median(expected_cycle_days) filter (where is_churn_warning) as median_expected_cycle_days,
        max(as_of_date) as as_of_date
    from marts.snap_customer_lifecycle
    group by lifecycle_stage
),

rule as (
    -- The warning fires after var churn_warning_cycle_multiple x the expected cycle.
    select max(round(churn_warning_after_days / expected_cycle_days, 2)) as churn_warning_cycle_multiple
    from marts.snap_customer_lifecycle
    where expected_cycle_days > 0
)

select
    l.code as lifecycle_stage,
    l.display_order as stage_order,
    l.name_en as stage_name_en,
    l.name_zh as stage_name_zh,
    coalesce(s.customers, 0) as customers,
    coalesce(s.churn_warning_customers, 0) as churn_warning_customers,
    coalesce(s.customers, 0) - coalesce(s.churn_warning_customers, 0) as customers_without_warning,
    coalesce(s.buyers, 0) as buyers,
    s.median_expected_cycle_days,
    max(s.as_of_date) over () as as_of_date,
    rule.churn_warning_cycle_multiple
from reference.code_labels as l
left join stages as s
    on l.code = s.lifecycle_stage
cross join rule
where l.label_kind = 'lifecycle_stage'
order by l.display_order
