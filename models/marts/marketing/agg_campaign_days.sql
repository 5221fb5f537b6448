-- One row per campaign x day x attribution model, over the days from the campaign's warm-up
-- to its end and any other day with campaign spend or revenue credited to it: the campaign's
-- spend, impressions, clicks, CTR and CPC, the paid orders, new customers and revenue
-- credited to its sessions, and its ROI and margin ROI by day.

with

campaigns as (
    select * from {{ ref('dim_campaigns') }}
),

dates as (
    select * from {{ ref('dim_dates') }}
),

ad_spend as (
    select * from {{ ref('fct_ad_spend') }}
),

credits as (
    select * from {{ ref('int_attribution_credits_by_day') }}
),

models as (
    select distinct credits.attribution_model
    from credits
),

spend_daily as (
    select
        ad_spend.campaign_id,
        ad_spend.spend_date as date_day,
        sum(ad_spend.impressions) as impressions,
        sum(ad_spend.clicks) as clicks,
        sum(ad_spend.spend_cny) as spend_cny
    from ad_spend
    where ad_spend.campaign_id is not null
    group by ad_spend.campaign_id, ad_spend.spend_date
),

attributed_daily as (
    select
        credits.campaign_id,
        credits.date_day,
        credits.attribution_model,
        sum(credits.attributed_orders) as attributed_orders,
        sum(credits.attributed_new_customers) as attributed_new_customers,
        sum(credits.attributed_net_revenue_cny) as attributed_net_revenue_cny,
        sum(credits.attributed_gross_margin_cny) as attributed_gross_margin_cny
    from credits
    where credits.campaign_id is not null
    group by credits.campaign_id, credits.date_day, credits.attribution_model
),

campaign_dates as (
    select
        campaigns.campaign_id,
        dates.date_day
    from campaigns
    inner join dates
        on dates.date_day between campaigns.warmup_start_date and campaigns.end_date
    union
    select
        spend_daily.campaign_id,
        spend_daily.date_day
    from spend_daily
    union
    select
        attributed_daily.campaign_id,
        attributed_daily.date_day
    from attributed_daily
),

grid as (
    select
        campaign_dates.campaign_id,
        campaign_dates.date_day,
        models.attribution_model
    from campaign_dates
    cross join models
),

joined as (
    select
        grid.campaign_id,
        campaigns.channel,
        grid.date_day,
        grid.attribution_model,
        coalesce(
            grid.date_day between campaigns.warmup_start_date and campaigns.end_date, false
        ) as is_campaign_day,
        coalesce(spend_daily.impressions, 0) as impressions,
        coalesce(spend_daily.clicks, 0) as clicks,
        cast(coalesce(spend_daily.spend_cny, 0) as decimal(18, 2)) as spend_cny,
        coalesce(attributed_daily.attributed_orders, 0) as attributed_orders,
        coalesce(attributed_daily.attributed_new_customers, 0) as attributed_new_customers,
        cast(coalesce(attributed_daily.attributed_net_revenue_cny, 0) as decimal(18, 2))
            as attributed_net_revenue_cny,
        cast(coalesce(attributed_daily.attributed_gross_margin_cny, 0) as decimal(18, 2))
            as attributed_gross_margin_cny,
        campaigns.campaign_event,
        campaigns.campaign_event_date
    from grid
    left join campaigns
        on grid.campaign_id = campaigns.campaign_id
    left join spend_daily
        on
            grid.campaign_id = spend_daily.campaign_id
            and grid.date_day = spend_daily.date_day
    left join attributed_daily
        on
            grid.campaign_id = attributed_daily.campaign_id
            and grid.date_day = attributed_daily.date_day
            and grid.attribution_model = attributed_daily.attribution_model
),

final as (
    select
        {{ surrogate_key(['joined.campaign_id', 'joined.date_day', 'joined.attribution_model']) }}
            as campaign_day_id,
        joined.*,
        {{ is_default_attribution_model('joined.attribution_model') }}
            as is_default_attribution_model,
        {{ ad_ratios('joined') }}
    from joined
)

select * from final
