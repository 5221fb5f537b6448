-- One row per day x channel x campaign of ad spend (campaign_id null = always-on spend),
-- with click-through rate and cost per click.

with

ad_spend as (
    select * from {{ ref('stg_shop__ad_spend') }}
),

channels as (
    select * from {{ ref('channels') }}
),

final as (
    select
        {{ surrogate_key(['ad_spend.spend_date', 'ad_spend.channel', 'ad_spend.campaign_id']) }}
            as ad_spend_id,
        ad_spend.spend_date,
        cast({{ dbt.date_trunc('month', 'ad_spend.spend_date') }} as date) as spend_month,
        ad_spend.channel,
        channels.channel_group,
        ad_spend.campaign_id,
        ad_spend.impressions,
        ad_spend.clicks,
        ad_spend.spend_cny,
        {{ safe_divide('ad_spend.clicks', 'ad_spend.impressions') }} as click_through_rate,
        {{ safe_divide('ad_spend.spend_cny', 'ad_spend.clicks') }} as cost_per_click_cny
    from ad_spend
    left join channels
        on ad_spend.channel = channels.channel
)

select * from final
