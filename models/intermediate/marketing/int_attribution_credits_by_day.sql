-- One row per paid day x channel x campaign (null: no campaign) x attribution model: the
-- paid orders, new customers and money fct_order_attribution credits there. "Attributed
-- orders" (the sum of the credit weights) and "attributed new customers" (the weights of
-- first paid orders) are defined here once for the daily channel and campaign marts.

with

attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

final as (
    select
        attribution.paid_date as date_day,
        attribution.channel,
        attribution.campaign_id,
        attribution.attribution_model,
        sum(attribution.weight) as attributed_orders,
        sum(case when attribution.is_first_paid_order then attribution.weight else 0 end)
            as attributed_new_customers,
        sum(attribution.attributed_gmv_cny) as attributed_gmv_cny,
        sum(attribution.attributed_net_revenue_cny) as attributed_net_revenue_cny,
        sum(attribution.attributed_gross_margin_cny) as attributed_gross_margin_cny
    from attribution
    group by
        attribution.paid_date,
        attribution.channel,
        attribution.campaign_id,
        attribution.attribution_model
)

select * from final
