-- The credit of paid orders under one attribution model, the default (var
-- default_attribution_model, last touch): fct_order_attribution without the other models'
-- rows. Every paid order is credited exactly once here, so the attributed measures of the
-- semantic layer read this view and can never add up the same order under two models.

with

attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

final as (
    select
        attribution.order_attribution_id,
        attribution.order_id,
        attribution.attribution_model,
        attribution.customer_id,
        attribution.paid_date,
        attribution.is_first_paid_order,
        attribution.session_id,
        attribution.channel,
        attribution.campaign_id,
        attribution.touches_in_window,
        attribution.weight,
        attribution.attributed_gmv_cny,
        attribution.attributed_net_revenue_cny,
        attribution.attributed_gross_margin_cny
    from attribution
    where {{ is_default_attribution_model('attribution.attribution_model') }}
)

select * from final
