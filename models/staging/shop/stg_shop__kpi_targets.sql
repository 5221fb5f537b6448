-- Clean KPI targets of the shop: rows of base_shop__kpi_targets that broke no rule.

with

checked as (
    select * from {{ ref('base_shop__kpi_targets') }}
),

final as (
    select
        kpi_id,
        slice_value,
        kpi_target,
        is_target_per_day,
        note
    from checked
    where dq_rule is null
)

select * from final
