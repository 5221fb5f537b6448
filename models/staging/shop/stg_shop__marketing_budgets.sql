-- Clean marketing budgets: rows of base_shop__marketing_budgets that broke no rule.

with

checked as (
    select * from {{ ref('base_shop__marketing_budgets') }}
),

final as (
    select
        budget_month,
        channel,
        budget_cny,
        is_core_channel
    from checked
    where dq_rule is null
)

select * from final
