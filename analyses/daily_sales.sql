-- Daily GMV, net revenue, paid orders and AOV (客單價) of paid orders, by paid date.
-- `dbt compile --select daily_sales` writes the runnable SQL under target/compiled/.

with

orders as (
    select * from {{ ref('fct_orders') }}
),

daily as (
    select
        orders.paid_date,
        count(*) as paid_orders,
        sum(orders.gmv_cny) as gmv_cny,
        sum(orders.net_revenue_cny) as net_revenue_cny,
        {{ safe_divide('sum(orders.net_revenue_cny)', 'count(*)') }} as average_order_value_cny
    from orders
    where orders.is_paid
    group by orders.paid_date
)

select * from daily
order by paid_date
