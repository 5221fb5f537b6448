-- One row per customer with a paid order on or before the as-of date: the buy-till-you-die
-- summary (frequency, recency, T, mean repeat purchase value) with the day as the period,
-- as the BG/NBD and Gamma-Gamma models and their Python implementations define it.

with

as_of as (
    select as_of_date from {{ ref('int_customer_value_as_of') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

purchase_days as (
    -- A purchase is a paid order; several orders on one shop day are one purchase whose
    -- value is the day's total net revenue.
    select
        orders.customer_id,
        orders.paid_date as purchase_date,
        count(*) as paid_orders,
        sum(orders.net_revenue_cny) as net_revenue_cny
    from orders
    inner join as_of
        on orders.paid_date <= as_of.as_of_date
    where orders.is_paid
    group by orders.customer_id, orders.paid_date
),

customers_summarised as (
    select
        purchase_days.customer_id,
        min(purchase_days.purchase_date) as first_purchase_date,
        max(purchase_days.purchase_date) as last_purchase_date,
        count(*) as purchase_days,
        cast(sum(purchase_days.paid_orders) as bigint) as paid_orders,
        sum(purchase_days.net_revenue_cny) as net_revenue_cny
    from purchase_days
    group by purchase_days.customer_id
),

repeat_value as (
    -- Net revenue of the purchase days after the first (the first purchase is left out of
    -- the mean value, as in the Gamma-Gamma model).
    select
        purchase_days.customer_id,
        sum(purchase_days.net_revenue_cny) as repeat_net_revenue_cny
    from purchase_days
    inner join customers_summarised
        on
            purchase_days.customer_id = customers_summarised.customer_id
            and purchase_days.purchase_date > customers_summarised.first_purchase_date
    group by purchase_days.customer_id
),

final as (
    select
        customers_summarised.customer_id,
        as_of.as_of_date,
        customers_summarised.first_purchase_date,
        customers_summarised.last_purchase_date,
        customers_summarised.purchase_days,
        customers_summarised.paid_orders,
        customers_summarised.purchase_days - 1 as frequency,
        {{ dbt.datediff(
            'customers_summarised.first_purchase_date',
            'customers_summarised.last_purchase_date',
            'day'
        ) }} as recency_days,
        {{ dbt.datediff('customers_summarised.first_purchase_date', 'as_of.as_of_date', 'day') }}
            as t_days,
        {{ double_to_decimal(
            'coalesce(' ~ safe_divide(
                'repeat_value.repeat_net_revenue_cny', 'customers_summarised.purchase_days - 1'
            ) ~ ', 0)',
            18, 4
        ) }} as monetary_value_cny,
        cast(coalesce(repeat_value.repeat_net_revenue_cny, 0) as decimal(18, 2))
            as repeat_net_revenue_cny,
        cast(customers_summarised.net_revenue_cny as decimal(18, 2)) as net_revenue_cny
    from customers_summarised
    cross join as_of
    left join repeat_value
        on customers_summarised.customer_id = repeat_value.customer_id
)

select * from final
