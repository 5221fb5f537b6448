-- One row per customer with a paid order on or before the as-of date: cohort (first paid
-- month), acquisition channel, Gen-Z flag and the cumulative net revenue and gross margin of
-- their paid orders 30, 90, 180 and 365 days after the first one. A window holds the orders
-- paid on shop days 0..N after the first paid day (day N in) and counts once it has fully
-- elapsed, first_paid_date + N <= as_of_date; until then its figures are null.

{%- set ltv_window_days = [30, 90, 180, 365] %}

with

customers as (
    select * from {{ ref('dim_customers') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

as_of as (
    select * from {{ ref('int_customer_value_as_of') }}
),

buyers as (
    select
        customers.customer_id,
        customers.first_paid_date,
        customers.first_paid_month,
        customers.acquisition_channel,
        customers.is_gen_z,
        as_of.as_of_date
    from customers
    cross join as_of
    where customers.first_paid_date <= as_of.as_of_date
),

paid_orders_to_date as (
    select
        buyers.customer_id,
        {{ dbt.datediff('buyers.first_paid_date', 'orders.paid_date', 'day') }}
            as days_after_first_order,
        orders.net_revenue_cny,
        orders.gross_margin_cny
    from buyers
    inner join orders
        on
            buyers.customer_id = orders.customer_id
            and buyers.as_of_date >= orders.paid_date
    where orders.is_paid
),

customer_totals as (
    select
        paid_orders_to_date.customer_id,
        {%- for n in ltv_window_days %}
            sum(
                case
                    when paid_orders_to_date.days_after_first_order <= {{ n }}
                        then paid_orders_to_date.net_revenue_cny
                    else 0
                end
            ) as net_revenue_{{ n }}d_cny,
            sum(
                case
                    when paid_orders_to_date.days_after_first_order <= {{ n }}
                        then paid_orders_to_date.gross_margin_cny
                    else 0
                end
            ) as gross_margin_{{ n }}d_cny,
        {%- endfor %}
        count(*) as paid_orders_to_date,
        sum(paid_orders_to_date.net_revenue_cny) as net_revenue_to_date_cny,
        sum(paid_orders_to_date.gross_margin_cny) as gross_margin_to_date_cny
    from paid_orders_to_date
    group by paid_orders_to_date.customer_id
),

joined as (
    select
        buyers.customer_id,
        buyers.first_paid_month as cohort_month,
        buyers.first_paid_date,
        buyers.acquisition_channel,
        buyers.is_gen_z,
        buyers.as_of_date,
        {{ dbt.datediff('buyers.first_paid_date', 'buyers.as_of_date', 'day') }}
            as days_since_first_order,
        {%- for n in ltv_window_days %}
            customer_totals.net_revenue_{{ n }}d_cny,
            customer_totals.gross_margin_{{ n }}d_cny,
        {%- endfor %}
        customer_totals.paid_orders_to_date,
        customer_totals.net_revenue_to_date_cny,
        customer_totals.gross_margin_to_date_cny
    from buyers
    inner join customer_totals
        on buyers.customer_id = customer_totals.customer_id
),

final as (
    select
        joined.customer_id,
        joined.cohort_month,
        joined.first_paid_date,
        joined.acquisition_channel,
        joined.is_gen_z,
        joined.days_since_first_order,
        joined.paid_orders_to_date,
        cast(joined.net_revenue_to_date_cny as decimal(18, 2)) as net_revenue_to_date_cny,
        cast(joined.gross_margin_to_date_cny as decimal(18, 2)) as gross_margin_to_date_cny,
        {%- for n in ltv_window_days %}
            joined.days_since_first_order >= {{ n }} as is_{{ n }}d_window_elapsed,
            cast(
                case
                    when joined.days_since_first_order >= {{ n }}
                        then joined.net_revenue_{{ n }}d_cny
                end as decimal(18, 2)
            ) as net_revenue_{{ n }}d_cny,
            cast(
                case
                    when joined.days_since_first_order >= {{ n }}
                        then joined.gross_margin_{{ n }}d_cny
                end as decimal(18, 2)
            ) as gross_margin_{{ n }}d_cny,
        {%- endfor %}
        joined.as_of_date
    from joined
)

select * from final
