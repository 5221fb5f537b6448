-- Clean campaigns: the rows of base_shop__campaigns that broke no data-quality rule.

with

checked as (
    select * from {{ ref('base_shop__campaigns') }}
),

final as (
    select
        campaign_id,
        campaign_name,
        channel,
        campaign_type,
        warmup_starts_at,
        burst_starts_at,
        tail_starts_at,
        ends_at,
        budget_cny
    from checked
    where dq_rule is null
)

select * from final
