-- Supply-chain and service KPIs by week and by month, per product category and for the whole
-- shop (category 'all'), as marts.agg_supply_chain_periods holds them: stock-outs, products
-- below safety stock, fulfilment days, refunds and negative reviews, with the category's
-- names. One row per grain, period and category. Rates are recomputed from the counts when
-- a page pools rows; medians and p90s are read from the 'all' rows, never pooled.
select
    p.period_grain,
    p.period_start_date,
    p.period_end_date,
    p.category,
    c.name_en as category_name_en,
    c.name_zh as category_name_zh,
    c.display_order as category_order,
    p.product_days,
    p.stock_out_product_days,
    p.stock_out_rate,
    p.in_stock_rate,
    p.below_safety_stock_product_days,
    p.products_below_safety_stock,
    p.paid_orders,
    p.refunded_orders,
    p.refund_order_rate,
    p.gmv_cny,
    p.refund_cny,
    p.refund_amount_rate,
    p.delivered_orders,
    p.fulfilment_days_mean,
    p.fulfilment_days_median,
    p.fulfilment_days_p90,
    p.reviews,
    p.negative_reviews,
    p.negative_review_share,
    p.is_complete_period
from marts.agg_supply_chain_periods as p
left join reference.code_labels as c
    on c.label_kind = 'product_category' and p.category = c.code
where p.period_grain in ('week', 'month')
order by p.period_grain, p.period_start_date, c.display_order nulls first
