-- One row per first-order cohort month x calendar month since (0 = the cohort month, up to
-- the as-of month) x acquisition channel x Gen-Z flag: the cohort's customers and how many
-- of them placed a paid order in that month 同期群留存. Every month of every cohort is
-- present, with zero active customers where nobody ordered. Counts add up across channels
-- and Gen-Z flags; the retention rate is correct at this grain only (roll up by summing the
-- counts). The as-of month is partly observed (is_complete_month false).

with

customer_ltv as (
    select * from {{ ref('snap_customer_ltv') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

value_months as (
    select * from {{ ref('int_customer_value_months') }}
),

months as (
    select
        value_months.month_start_date as activity_month,
        value_months.is_complete_month
    from value_months
),

cohorts as (
    select
        customer_ltv.cohort_month,
        customer_ltv.acquisition_channel,
        customer_ltv.is_gen_z,
        count(*) as cohort_customers
    from customer_ltv
    group by
        customer_ltv.cohort_month,
        customer_ltv.acquisition_channel,
        customer_ltv.is_gen_z
),

customer_months as (
    select distinct
        customer_ltv.customer_id,
        customer_ltv.cohort_month,
        customer_ltv.acquisition_channel,
        customer_ltv.is_gen_z,
        cast({{ dbt.date_trunc('month', 'orders.paid_date') }} as date) as activity_month
    from customer_ltv
    inner join orders
        on
            customer_ltv.customer_id = orders.customer_id
            and customer_ltv.as_of_date >= orders.paid_date
    where orders.is_paid
),

active as (
    select
        customer_months.cohort_month,
        customer_months.acquisition_channel,
        customer_months.is_gen_z,
        customer_months.activity_month,
        count(*) as active_customers
    from customer_months
    group by
        customer_months.cohort_month,
        customer_months.acquisition_channel,
        customer_months.is_gen_z,
        customer_months.activity_month
),

grid as (
    select
        cohorts.cohort_month,
        cohorts.acquisition_channel,
        cohorts.is_gen_z,
        cohorts.cohort_customers,
        months.activity_month,
        months.is_complete_month,
        {{ dbt.datediff('cohorts.cohort_month', 'months.activity_month', 'month') }}
            as months_since_first_order
    from cohorts
    inner join months
        on cohorts.cohort_month <= months.activity_month
),

final as (
    select
        {{ surrogate_key([
            'grid.cohort_month', 'grid.activity_month', 'grid.acquisition_channel', 'grid.is_gen_z'
        ]) }} as cohort_retention_id,
        grid.cohort_month,
        grid.activity_month,
        cast(grid.months_since_first_order as integer) as months_since_first_order,
        grid.acquisition_channel,
        grid.is_gen_z,
        grid.cohort_customers,
        coalesce(active.active_customers, 0) as active_customers,
        {{ safe_divide('coalesce(active.active_customers, 0)', 'grid.cohort_customers') }}
            as retention_rate,
        grid.is_complete_month
    from grid
    left join active
        on
            grid.cohort_month = active.cohort_month
            and grid.activity_month = active.activity_month
            and grid.acquisition_channel = active.acquisition_channel
            and grid.is_gen_z = active.is_gen_z
)

select * from final
