-- One row per day x channel x attribution model: ad spend, impressions and clicks, human and
-- bot sessions, attributed paid orders, new customers and revenue, with ROI and its factors
-- (conversion rate x AOV / cost per visit). Bot sessions are counted but never credited.

with

dates as (
    select * from {{ ref('dim_dates') }}
),

channels as (
    select * from {{ ref('dim_channels') }}
),

ad_spend as (
    select * from {{ ref('fct_ad_spend') }}
),

funnel as (
    select * from {{ ref('agg_funnel_days') }}
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
        ad_spend.spend_date as date_day,
        ad_spend.channel,
        sum(ad_spend.impressions) as impressions,
        sum(ad_spend.clicks) as clicks,
        sum(ad_spend.spend_cny) as spend_cny
    from ad_spend
    group by ad_spend.spend_date, ad_spend.channel
),

-- Session counts come from the funnel, which already splits human and bot sessions.
sessions_daily as (
    select
        funnel.date_day,
        funnel.channel,
        sum(funnel.sessions) as sessions,
        sum(funnel.bot_sessions) as bot_sessions
    from funnel
    group by funnel.date_day, funnel.channel
),

attributed_daily as (
    select
        credits.date_day,
        credits.channel,
        credits.attribution_model,
        sum(credits.attributed_orders) as attributed_orders,
        sum(credits.attributed_new_customers) as attributed_new_customers,
        sum(credits.attributed_gmv_cny) as attributed_gmv_cny,
        sum(credits.attributed_net_revenue_cny) as attributed_net_revenue_cny,
        sum(credits.attributed_gross_margin_cny) as attributed_gross_margin_cny
    from credits
    group by credits.date_day, credits.channel, credits.attribution_model
),

channel_codes as (
    select channels.channel from channels
    union all
    select 'unattributed' as channel
),

-- Every day x channel (plus 'unattributed') x model, so days without activity show zeros.
grid as (
    select
        dates.date_day,
        channel_codes.channel,
        models.attribution_model
    from dates
    cross join channel_codes
    cross join models
),

joined as (
    select
        grid.date_day,
        grid.channel,
        grid.attribution_model,
        coalesce(spend_daily.impressions, 0) as impressions,
        coalesce(spend_daily.clicks, 0) as clicks,
        cast(coalesce(spend_daily.spend_cny, 0) as decimal(18, 2)) as spend_cny,
        coalesce(sessions_daily.sessions, 0) as sessions,
        coalesce(sessions_daily.bot_sessions, 0) as bot_sessions,
        coalesce(attributed_daily.attributed_orders, 0) as attributed_orders,
        coalesce(attributed_daily.attributed_new_customers, 0) as attributed_new_customers,
        cast(coalesce(attributed_daily.attributed_gmv_cny, 0) as decimal(18, 2))
            as attributed_gmv_cny,
        cast(coalesce(attributed_daily.attributed_net_revenue_cny, 0) as decimal(18, 2))
            as attributed_net_revenue_cny,
        cast(coalesce(attributed_daily.attributed_gross_margin_cny, 0) as decimal(18, 2))
            as attributed_gross_margin_cny
    from grid
    left join spend_daily
        on
            grid.date_day = spend_daily.date_day
            and grid.channel = spend_daily.channel
    left join sessions_daily
        on
            grid.date_day = sessions_daily.date_day
            and grid.channel = sessions_daily.channel
    left join attributed_daily
        on
            grid.date_day = attributed_daily.date_day
            and grid.channel = attributed_daily.channel
            and grid.attribution_model = attributed_daily.attribution_model
),

final as (
    select
        {{ surrogate_key(['joined.date_day', 'joined.channel', 'joined.attribution_model']) }}
            as channel_day_id,
        joined.*,
        {{ is_default_attribution_model('joined.attribution_model') }}
            as is_default_attribution_model,
        {{ ad_ratios('joined') }},
        -- ROI's factors: ROI = conversion rate x AOV / cost per visit.
        {{ safe_divide('joined.spend_cny', 'joined.sessions') }} as cost_per_visit_cny,
        {{ safe_divide('joined.attributed_orders', 'joined.sessions') }} as conversion_rate,
        {{ safe_divide('joined.attributed_net_revenue_cny', 'joined.attributed_orders') }}
            as average_order_value_cny
    from joined
)

select * from final
