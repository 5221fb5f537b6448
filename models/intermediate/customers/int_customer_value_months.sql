-- One row per month from the month of the shop's first paid order to the as-of month
-- (int_customer_value_as_of), taken from the calendar dim_dates: the month spine of every
-- customer-value mart (RFM months, cohorts, Gen-Z, members). A month is complete when it
-- ended on or before the as-of date; the as-of month is observed until the as-of date only.

with

dates as (
    select * from {{ ref('dim_dates') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

as_of as (
    select * from {{ ref('int_customer_value_as_of') }}
),

first_paid_month as (
    select
        cast({{ dbt.date_trunc('month', 'min(orders.paid_date)') }} as date)
            as first_paid_month
    from orders
    cross join as_of
    where
        orders.is_paid
        and orders.paid_date <= as_of.as_of_date
),

months as (
    select distinct dates.month_start_date
    from dates
    cross join as_of
    cross join first_paid_month
    where
        dates.month_start_date >= first_paid_month.first_paid_month
        and dates.date_day <= as_of.as_of_date
),

final as (
    {%- set month_end = dbt.last_day('months.month_start_date', 'month') %}
    select
        months.month_start_date,
        cast({{ month_end }} as date) as month_end_date,
        least(cast({{ month_end }} as date), as_of.as_of_date) as observed_until_date,
        cast({{ month_end }} as date) <= as_of.as_of_date as is_complete_month
    from months
    cross join as_of
)

select * from final
