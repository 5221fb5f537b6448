-- Clean ad spend: the rows of base_shop__ad_spend that broke no data-quality rule.

with

checked as (
    select * from {{ ref('base_shop__ad_spend') }}
),

final as (
    select
        spend_date,
        channel,
        campaign_id,
        impressions,
        clicks,
        spend_cny
    from checked
    where dq_rule is null
)

select * from final
