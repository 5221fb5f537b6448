-- One row per first-order day x acquisition channel x Gen-Z flag: new customers (first paid
-- order that day) and how many were active again on days 1..N after it (N = var
-- new_customer_retention_days, 7 by default: 7日留存率). Active = a non-bot session of the
-- customer or an order placed (any status). A day's window has elapsed when first day + N
-- <= as-of date; until then retained customers and the rate are null. Counts add up across
-- rows; roll up by summing the counts of elapsed rows.

{%- set window_days = var('new_customer_retention_days') %}

with

customer_ltv as (
    select * from {{ ref('snap_customer_ltv') }}
),

activity_days as (
    select * from {{ ref('agg_customer_activity_days') }}
),

retained as (
    select distinct customer_ltv.customer_id
    from customer_ltv
    inner join activity_days
        on
            customer_ltv.customer_id = activity_days.customer_id
            and customer_ltv.first_paid_date < activity_days.activity_date
            and cast({{ dbt.dateadd('day', window_days, 'customer_ltv.first_paid_date') }} as date)
            >= activity_days.activity_date
),

new_customers as (
    select
        customer_ltv.first_paid_date,
        customer_ltv.acquisition_channel,
        customer_ltv.is_gen_z,
        customer_ltv.days_since_first_order >= {{ window_days }} as is_window_elapsed,
        retained.customer_id is not null as is_retained
    from customer_ltv
    left join retained
        on customer_ltv.customer_id = retained.customer_id
),

counted as (
    select
        new_customers.first_paid_date,
        new_customers.acquisition_channel,
        new_customers.is_gen_z,
        new_customers.is_window_elapsed,
        count(*) as new_customers,
        cast(sum(case when new_customers.is_retained then 1 else 0 end) as bigint)
            as retained_customers
    from new_customers
    group by
        new_customers.first_paid_date,
        new_customers.acquisition_channel,
        new_customers.is_gen_z,
        new_customers.is_window_elapsed
),

final as (
    select
        {{ surrogate_key([
            'counted.first_paid_date', 'counted.acquisition_channel', 'counted.is_gen_z'
        ]) }} as new_customer_retention_id,
        counted.first_paid_date,
        cast({{ dbt.date_trunc('month', 'counted.first_paid_date') }} as date) as cohort_month,
        counted.acquisition_channel,
        counted.is_gen_z,
        counted.is_window_elapsed,
        counted.new_customers,
        case when counted.is_window_elapsed then counted.retained_customers end
            as retained_customers,
        case
            when counted.is_window_elapsed
                then {{ safe_divide('counted.retained_customers', 'counted.new_customers') }}
        end as retention_rate
    from counted
)

select * from final
