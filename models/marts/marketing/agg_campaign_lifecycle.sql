-- One row per campaign: the campaign view of the customer lifecycle, reach 觸達 -> interest
-- 興趣 -> conversion 轉化 -> repurchase 復購, over the whole campaign (warm-up to end).
-- Reach: distinct visitors of its human sessions; interest: those who viewed a product in
-- one; conversion: customers with a paid order credited to the campaign (default attribution
-- model); repurchase: those buyers paying again within var campaign_post_days of the end.

with

campaigns as (
    select * from {{ ref('dim_campaigns') }}
),

sessions as (
    select * from {{ ref('int_human_sessions') }}
),

attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

campaign_sessions as (
    select
        campaigns.campaign_id,
        count(distinct sessions.visitor_id) as reached_visitors,
        count(distinct case when sessions.reached_product_view then sessions.visitor_id end)
            as interested_visitors
    from campaigns
    inner join sessions
        on
            campaigns.campaign_id = sessions.campaign_id
            and campaigns.warmup_starts_at <= sessions.started_at
            and campaigns.ends_at > sessions.started_at
    group by campaigns.campaign_id
),

campaign_buyers as (
    select distinct
        campaigns.campaign_id,
        campaigns.ends_at,
        attribution.customer_id
    from campaigns
    inner join attribution
        on campaigns.campaign_id = attribution.campaign_id
    inner join orders
        on attribution.order_id = orders.order_id
    where
        {{ is_default_attribution_model('attribution.attribution_model') }}
        and orders.paid_at >= campaigns.warmup_starts_at
        and orders.paid_at < campaigns.ends_at
),

repurchases as (
    select
        campaign_buyers.campaign_id,
        count(distinct campaign_buyers.customer_id) as converted_customers,
        count(distinct orders.customer_id) as repurchasing_customers
    from campaign_buyers
    left join orders
        on
            campaign_buyers.customer_id = orders.customer_id
            and orders.is_paid
            and campaign_buyers.ends_at <= orders.paid_at
            and {{ dbt.dateadd(
                'day', var('campaign_post_days'), 'campaign_buyers.ends_at'
            ) }} > orders.paid_at
    group by campaign_buyers.campaign_id
),

final as (
    select
        campaigns.campaign_id,
        campaigns.channel,
        coalesce(campaign_sessions.reached_visitors, 0) as reached_visitors,
        coalesce(campaign_sessions.interested_visitors, 0) as interested_visitors,
        coalesce(repurchases.converted_customers, 0) as converted_customers,
        coalesce(repurchases.repurchasing_customers, 0) as repurchasing_customers,
        {{ safe_divide(
            'campaign_sessions.interested_visitors', 'campaign_sessions.reached_visitors'
        ) }} as interest_rate,
        {{ safe_divide(
            'repurchases.converted_customers', 'campaign_sessions.reached_visitors'
        ) }} as conversion_rate,
        {{ safe_divide(
            'repurchases.repurchasing_customers', 'repurchases.converted_customers'
        ) }} as repurchase_rate
    from campaigns
    left join campaign_sessions
        on campaigns.campaign_id = campaign_sessions.campaign_id
    left join repurchases
        on campaigns.campaign_id = repurchases.campaign_id
)

select * from final
