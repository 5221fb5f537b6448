-- One row per customer x month of the customer-value spine (int_customer_value_months) in
-- which the customer registered, paid or was active: what the customer month marts count.
-- Nothing after the as-of date counts. A customer registered before the spine's first
-- month has that first month as registration month, so running totals of registrations
-- start with everyone registered by then.

with

customers as (
    select * from {{ ref('dim_customers') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

activity_days as (
    select * from {{ ref('agg_customer_activity_days') }}
),

as_of as (
    select * from {{ ref('int_customer_value_as_of') }}
),

value_months as (
    select * from {{ ref('int_customer_value_months') }}
),

first_month as (
    select min(value_months.month_start_date) as month_start_date
    from value_months
),

paid as (
    select
        orders.customer_id,
        cast({{ dbt.date_trunc('month', 'orders.paid_date') }} as date) as month_start_date,
        count(*) as paid_orders,
        sum(orders.gmv_cny) as gmv_cny,
        sum(orders.net_revenue_cny) as net_revenue_cny,
        max(orders.paid_date) as last_paid_date
    from orders
    cross join as_of
    where
        orders.is_paid
        and orders.paid_date <= as_of.as_of_date
    group by
        orders.customer_id,
        cast({{ dbt.date_trunc('month', 'orders.paid_date') }} as date)
),

registered as (
    select
        customers.customer_id,
        greatest(
            cast({{ dbt.date_trunc('month', 'customers.registered_date') }} as date),
            first_month.month_start_date
        ) as month_start_date
    from customers
    cross join as_of
    cross join first_month
    where customers.registered_date <= as_of.as_of_date
),

first_paid as (
    select
        customers.customer_id,
        cast({{ dbt.date_trunc('month', 'customers.first_paid_date') }} as date)
            as month_start_date
    from customers
    cross join as_of
    where customers.first_paid_date <= as_of.as_of_date
),

active as (
    select distinct
        activity_days.customer_id,
        cast({{ dbt.date_trunc('month', 'activity_days.activity_date') }} as date)
            as month_start_date
    from activity_days
    cross join as_of
    where activity_days.activity_date <= as_of.as_of_date
),

customer_months as (
    select
        paid.customer_id,
        paid.month_start_date
    from paid
    union
    select
        registered.customer_id,
        registered.month_start_date
    from registered
    union
    select
        first_paid.customer_id,
        first_paid.month_start_date
    from first_paid
    union
    select
        active.customer_id,
        active.month_start_date
    from active
),

final as (
    select
        {{ surrogate_key(['customer_months.customer_id', 'customer_months.month_start_date']) }}
            as customer_month_id,
        customer_months.customer_id,
        customer_months.month_start_date,
        registered.month_start_date as registration_month,
        coalesce(registered.month_start_date = customer_months.month_start_date, false)
            as is_registration_month,
        coalesce(first_paid.month_start_date = customer_months.month_start_date, false)
            as is_first_paid_month,
        active.customer_id is not null as is_active,
        coalesce(paid.paid_orders, 0) as paid_orders,
        coalesce(paid.gmv_cny, 0) as gmv_cny,
        coalesce(paid.net_revenue_cny, 0) as net_revenue_cny,
        paid.last_paid_date
    from customer_months
    inner join value_months
        on customer_months.month_start_date = value_months.month_start_date
    left join registered
        on customer_months.customer_id = registered.customer_id
    left join first_paid
        on customer_months.customer_id = first_paid.customer_id
    left join active
        on
            customer_months.customer_id = active.customer_id
            and customer_months.month_start_date = active.month_start_date
    left join paid
        on
            customer_months.customer_id = paid.customer_id
            and customer_months.month_start_date = paid.month_start_date
)

select * from final
