-- One row per customer registered on or before the as-of date (or who paid by then): their
-- lifecycle stage 用戶生命周期階段 as of that date, their expected repurchase cycle and the
-- churn warning 流失預警 for active buyers past it. Rules in DECISIONLOG.md "Lifecycle".

with

customers as (
    select * from {{ ref('dim_customers') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

rfm as (
    select * from {{ ref('snap_customer_rfm') }}
),

as_of as (
    select * from {{ ref('int_customer_value_as_of') }}
),

repurchase_intervals as (
    select
        orders.customer_id,
        rfm.segment_code,
        orders.days_since_previous_paid_order as interval_days
    from orders
    cross join as_of
    inner join rfm
        on orders.customer_id = rfm.customer_id
    where
        orders.is_paid
        and orders.paid_date <= as_of.as_of_date
        and orders.days_since_previous_paid_order is not null
),

own_cycles as (
    select
        repurchase_intervals.customer_id,
        count(*) as repurchase_intervals,
        percentile_cont(0.5) within group (order by repurchase_intervals.interval_days)
            as own_median_cycle_days
    from repurchase_intervals
    group by repurchase_intervals.customer_id
),

segment_cycles as (
    select
        repurchase_intervals.segment_code,
        percentile_cont(0.5) within group (order by repurchase_intervals.interval_days)
            as segment_median_cycle_days
    from repurchase_intervals
    group by repurchase_intervals.segment_code
),

shop_cycle as (
    select
        percentile_cont(0.5) within group (order by repurchase_intervals.interval_days)
            as shop_median_cycle_days
    from repurchase_intervals
),

universe as (
    select
        customers.customer_id,
        as_of.as_of_date,
        customers.registered_date,
        rfm.first_paid_date,
        rfm.last_paid_date,
        coalesce(rfm.frequency, 0) as paid_orders,
        coalesce(rfm.monetary_cny, 0) as net_revenue_cny,
        rfm.recency_days as days_since_last_paid_order,
        rfm.m_score,
        rfm.segment_code,
        rfm.customer_id is not null as is_buyer
    from customers
    cross join as_of
    left join rfm
        on customers.customer_id = rfm.customer_id
    where
        rfm.customer_id is not null
        or customers.registered_date is null
        or customers.registered_date <= as_of.as_of_date
),

staged as (
    select
        universe.*,
        case
            when not universe.is_buyer then 'acquisition'
            when universe.days_since_last_paid_order > {{ var('lifecycle_dormant_after_days') }}
                then 'dormant'
            when universe.paid_orders = 1 then 'activation'
            when
                universe.paid_orders >= {{ var('lifecycle_monetisation_min_orders') }}
                or universe.m_score >= {{ var('lifecycle_monetisation_min_m_score') }}
                then 'monetisation'
            else 'retention'
        end as lifecycle_stage,
        coalesce(own_cycles.repurchase_intervals, 0) as repurchase_intervals,
        own_cycles.own_median_cycle_days,
        segment_cycles.segment_median_cycle_days,
        shop_cycle.shop_median_cycle_days
    from universe
    cross join shop_cycle
    left join own_cycles
        on universe.customer_id = own_cycles.customer_id
    left join segment_cycles
        on universe.segment_code = segment_cycles.segment_code
),

expected as (
    select
        staged.*,
        case
            when not staged.is_buyer then null
            when staged.repurchase_intervals >= 2 then 'own'
            when staged.segment_median_cycle_days is not null then 'segment'
            when staged.shop_median_cycle_days is not null then 'shop'
        end as expected_cycle_source,
        case
            when not staged.is_buyer then null
            when staged.repurchase_intervals >= 2 then staged.own_median_cycle_days
            else coalesce(staged.segment_median_cycle_days, staged.shop_median_cycle_days)
        end as expected_cycle_days
    from staged
),

final as (
    select
        expected.customer_id,
        expected.as_of_date,
        expected.registered_date,
        expected.is_buyer,
        expected.first_paid_date,
        expected.last_paid_date,
        expected.paid_orders,
        expected.net_revenue_cny,
        expected.days_since_last_paid_order,
        expected.m_score,
        expected.segment_code,
        expected.lifecycle_stage,
        case expected.lifecycle_stage
            when 'acquisition' then '獲取'
            when 'activation' then '激活'
            when 'retention' then '留存'
            when 'monetisation' then '變現'
            else '沉默'
        end as lifecycle_stage_zh,
        case expected.lifecycle_stage
            when 'acquisition' then 1
            when 'activation' then 2
            when 'retention' then 3
            when 'monetisation' then 4
            else 5
        end as lifecycle_stage_order,
        expected.repurchase_intervals,
        expected.own_median_cycle_days,
        expected.segment_median_cycle_days,
        expected.shop_median_cycle_days,
        expected.expected_cycle_source,
        expected.expected_cycle_days,
        {{ var('churn_warning_cycle_multiple') }} * expected.expected_cycle_days
            as churn_warning_after_days,
        coalesce(
            expected.lifecycle_stage in ('activation', 'retention', 'monetisation')
            and expected.days_since_last_paid_order
            > {{ var('churn_warning_cycle_multiple') }} * expected.expected_cycle_days,
            false
        ) as is_churn_warning
    from expected
)

select * from final
