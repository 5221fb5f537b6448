-- Gen Z against the other customers by month (agg_gen_z_months): buyers, paid orders, GMV,
-- net revenue, AOV, shares and repurchase, with the paid orders' refunds of each group
-- (fct_orders by paid month, customers' Gen-Z flag from dim_customers) for the refund rate.
-- Group names from code_labels (age_group). One row per month and group.
with refunds as (
    select
        cast(date_trunc('month', o.paid_date) as date) as month_start_date,
        case when c.is_gen_z then 'gen_z' else 'other' end as customer_group,
        count(*) as paid_orders,
        count(*) filter (where o.has_refund) as refunded_orders,
        sum(o.refund_cny) as refund_cny
    from marts.fct_orders as o
    inner join marts.dim_customers as c
        on o.customer_id = c.customer_id
    where o.is_paid
    group by all
)

select
    g.month_start_date,
    g.is_complete_month,
    g.customer_group,
    l.display_order as group_order,
    l.name_en as group_name_en,
    l.name_zh as group_name_zh,
    g.registered_customers,
    g.new_customers,
    g.buying_customers,
    g.paid_orders,
    g.gmv_cny,
    g.net_revenue_cny,
    g.average_order_value_cny,
    g.paid_orders / nullif(g.buying_customers, 0) as orders_per_buyer,
    g.registered_customer_share,
    g.buying_customer_share,
    g.gmv_share,
    g.repeat_customers,
    g.repurchase_rate,
    g.customers_repurchasing_within_window,
    g.repurchase_within_window_rate,
    g.median_repurchase_cycle_days,
    coalesce(r.refunded_orders, 0) as refunded_orders,
    coalesce(r.refund_cny, 0) as refund_cny,
    coalesce(r.refunded_orders, 0) / nullif(g.paid_orders, 0) as refund_order_rate,
    coalesce(r.refund_cny, 0) / nullif(g.gmv_cny, 0) as refund_amount_rate
from marts.agg_gen_z_months as g
inner join reference.code_labels as l
    on l.label_kind = 'age_group'
    and g.customer_group = l.code
left join refunds as r
    on g.month_start_date = r.month_start_date and g.customer_group = r.customer_group
order by g.month_start_date, l.display_order
