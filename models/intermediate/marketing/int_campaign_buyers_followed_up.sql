-- One row per campaign x buyer: each customer with a paid order the default attribution
-- model credits to the campaign (whenever it was paid), and whether they paid an order in
-- the campaign's post window (var campaign_post_days after the end) 活動後30日留存.

with

phases as (
    select * from {{ ref('int_campaigns_split_into_phases') }}
),

attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

post_windows as (
    select
        phases.campaign_id,
        phases.starts_at,
        phases.ends_at
    from phases
    where phases.phase = 'post'
),

campaign_buyers as (
    select distinct
        attribution.campaign_id,
        attribution.customer_id
    from attribution
    where
        {{ is_default_attribution_model('attribution.attribution_model') }}
        and attribution.campaign_id is not null
),

post_orders as (
    select
        campaign_buyers.campaign_id,
        campaign_buyers.customer_id,
        count(orders.order_id) as post_window_paid_orders
    from campaign_buyers
    inner join post_windows
        on campaign_buyers.campaign_id = post_windows.campaign_id
    left join orders
        on
            campaign_buyers.customer_id = orders.customer_id
            and orders.is_paid
            and post_windows.starts_at <= orders.paid_at
            and post_windows.ends_at > orders.paid_at
    group by campaign_buyers.campaign_id, campaign_buyers.customer_id
),

final as (
    select
        post_orders.campaign_id,
        post_orders.customer_id,
        post_orders.post_window_paid_orders,
        post_orders.post_window_paid_orders > 0 as is_repurchasing_in_post_window
    from post_orders
)

select * from final
