-- Every paid order on or before the as-of date is in its customer's buy-till-you-die summary
-- (orders and net revenue to the cent), and the calibration summary splits the same purchase
-- days at the calibration end date: calibration repeats + holdout days = all repeats.

with

as_of as (
    select as_of_date from {{ ref('int_customer_value_as_of') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

summary as (
    select * from {{ ref('mdl_customer_btyd_summary') }}
),

calibration as (
    select * from {{ ref('mdl_customer_btyd_calibration') }}
),

paid_by_customer as (
    select
        orders.customer_id,
        count(*) as paid_orders,
        sum(orders.net_revenue_cny) as net_revenue_cny
    from orders
    inner join as_of
        on orders.paid_date <= as_of.as_of_date
    where orders.is_paid
    group by orders.customer_id
),

summary_mismatches as (
    select
        coalesce(paid_by_customer.customer_id, summary.customer_id) as customer_id,
        'summary' as check_name
    from paid_by_customer
    full outer join summary
        on paid_by_customer.customer_id = summary.customer_id
    where
        paid_by_customer.customer_id is null
        or summary.customer_id is null
        or paid_by_customer.paid_orders != summary.paid_orders
        or paid_by_customer.net_revenue_cny != summary.net_revenue_cny
),

calibration_mismatches as (
    select
        calibration.customer_id,
        'calibration' as check_name
    from calibration
    inner join summary
        on calibration.customer_id = summary.customer_id
    where
        calibration.frequency_cal > summary.frequency
        or calibration.holdout_purchase_days
        != summary.frequency - calibration.frequency_cal
)

select * from summary_mismatches
union all
select * from calibration_mismatches
