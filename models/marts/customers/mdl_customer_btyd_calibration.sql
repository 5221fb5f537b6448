-- One row per customer with a paid order on or before the calibration end date (the as-of
-- date minus var clv_holdout_days): the buy-till-you-die summary of the calibration period
-- and the purchases the customer made in the holdout period after it, to check predictions.

with

as_of as (
    select
        as_of_date,
        {{ dbt.dateadd('day', -1 * var('clv_holdout_days'), 'as_of_date') }}
            as calibration_end_date
    from {{ ref('int_customer_value_as_of') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

purchase_days as (
    select
        orders.customer_id,
        orders.paid_date as purchase_date,
        orders.paid_date <= cast(as_of.calibration_end_date as date) as is_calibration,
        sum(orders.net_revenue_cny) as net_revenue_cny
    from orders
    inner join as_of
        on orders.paid_date <= as_of.as_of_date
    where orders.is_paid
    group by orders.customer_id, orders.paid_date, as_of.calibration_end_date
),

calibration_customers as (
    select
        purchase_days.customer_id,
        min(purchase_days.purchase_date) as first_purchase_date,
        max(purchase_days.purchase_date) as last_purchase_date,
        count(*) as purchase_days
    from purchase_days
    where purchase_days.is_calibration
    group by purchase_days.customer_id
),

customer_periods as (
    select
        purchase_days.customer_id,
        sum(
            case
                when
                    purchase_days.is_calibration
                    and purchase_days.purchase_date > calibration_customers.first_purchase_date
                    then purchase_days.net_revenue_cny
            end
        ) as repeat_net_revenue_cny,
        count(case when not purchase_days.is_calibration then 1 end) as holdout_purchase_days,
        sum(
            case when not purchase_days.is_calibration then purchase_days.net_revenue_cny end
        ) as holdout_net_revenue_cny
    from purchase_days
    inner join calibration_customers
        on purchase_days.customer_id = calibration_customers.customer_id
    group by purchase_days.customer_id
),

final as (
    select
        calibration_customers.customer_id,
        cast(as_of.calibration_end_date as date) as calibration_end_date,
        as_of.as_of_date,
        calibration_customers.first_purchase_date,
        calibration_customers.last_purchase_date,
        calibration_customers.purchase_days - 1 as frequency_cal,
        {{ dbt.datediff(
            'calibration_customers.first_purchase_date',
            'calibration_customers.last_purchase_date',
            'day'
        ) }} as recency_cal_days,
        {{ dbt.datediff(
            'calibration_customers.first_purchase_date',
            'as_of.calibration_end_date',
            'day'
        ) }} as t_cal_days,
        {{ double_to_decimal(
            'coalesce(' ~ safe_divide(
                'customer_periods.repeat_net_revenue_cny', 'calibration_customers.purchase_days - 1'
            ) ~ ', 0)',
            18, 4
        ) }} as monetary_value_cal_cny,
        {{ var('clv_holdout_days') }} as holdout_days,
        customer_periods.holdout_purchase_days,
        cast(coalesce(customer_periods.holdout_net_revenue_cny, 0) as decimal(18, 2))
            as holdout_net_revenue_cny
    from calibration_customers
    cross join as_of
    inner join customer_periods
        on calibration_customers.customer_id = customer_periods.customer_id
)

select * from final
