-- The cohort marts count each buyer once: cohort sizes (LTV, retention month 0, new-customer
-- retention) add up to the buyers of snap_customer_ltv per cohort month, and the repurchase
-- rollup rows ('all' channel and/or group) equal the sums of their detail rows.

with

customer_ltv as (
    select * from {{ ref('snap_customer_ltv') }}
),

cohort_ltv as (
    select * from {{ ref('agg_cohort_ltv') }}
),

cohort_retention as (
    select * from {{ ref('agg_cohort_retention') }}
),

new_customer_retention as (
    select * from {{ ref('agg_new_customer_retention') }}
),

repurchase_periods as (
    select * from {{ ref('agg_repurchase_periods') }}
),

cohort_sizes as (
    select
        'customer_ltv' as source_model,
        customer_ltv.cohort_month,
        count(*) as customers
    from customer_ltv
    group by customer_ltv.cohort_month
    union all
    select
        'cohort_ltv' as source_model,
        cohort_ltv.cohort_month,
        sum(cohort_ltv.cohort_customers) as customers
    from cohort_ltv
    group by cohort_ltv.cohort_month
    union all
    select
        'cohort_retention_month_0' as source_model,
        cohort_retention.cohort_month,
        sum(cohort_retention.active_customers) as customers
    from cohort_retention
    where cohort_retention.months_since_first_order = 0
    group by cohort_retention.cohort_month
    union all
    select
        'new_customer_retention' as source_model,
        new_customer_retention.cohort_month,
        sum(new_customer_retention.new_customers) as customers
    from new_customer_retention
    group by new_customer_retention.cohort_month
),

cohort_mismatches as (
    select
        cohort_sizes.cohort_month,
        'cohort sizes differ' as problem
    from cohort_sizes
    group by cohort_sizes.cohort_month
    having count(distinct cohort_sizes.customers) > 1 or count(*) <> 4
),

repurchase_detail as (
    select
        repurchase_periods.period_grain,
        repurchase_periods.period_start_date,
        repurchase_periods.acquisition_channel,
        repurchase_periods.customer_group,
        repurchase_periods.buying_customers,
        repurchase_periods.paid_orders,
        repurchase_periods.repeat_customers,
        repurchase_periods.customers_repurchasing_within_window,
        repurchase_periods.repeat_orders
    from repurchase_periods
    where
        repurchase_periods.acquisition_channel <> 'all'
        and repurchase_periods.customer_group <> 'all'
),

{#- Each rollup: the dimensions it keeps; the others are 'all'. #}
{%- set rollups = {
    'channel_rollup': ['acquisition_channel'],
    'group_rollup': ['customer_group'],
    'total_rollup': [],
} %}

summed as (
    {%- for rollup, kept in rollups.items() %}
        select
            '{{ rollup }}' as rollup_name,
            repurchase_detail.period_grain,
            repurchase_detail.period_start_date,
            {%- for dimension in ['acquisition_channel', 'customer_group'] %}
                {{ 'repurchase_detail.' ~ dimension if dimension in kept else "'all'" }}
                    as {{ dimension }},
            {%- endfor %}
            sum(repurchase_detail.buying_customers) as buying_customers,
            sum(repurchase_detail.paid_orders) as paid_orders,
            sum(repurchase_detail.repeat_customers) as repeat_customers,
            sum(repurchase_detail.customers_repurchasing_within_window)
                as customers_repurchasing_within_window,
            sum(repurchase_detail.repeat_orders) as repeat_orders
        from repurchase_detail
        group by
            {%- for dimension in kept %}
                repurchase_detail.{{ dimension }},
            {%- endfor %}
            repurchase_detail.period_grain,
            repurchase_detail.period_start_date
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

rollup_mismatches as (
    select
        summed.period_start_date as cohort_month,
        summed.rollup_name || ' ' || summed.period_grain || ' differs' as problem
    from summed
    left join repurchase_periods
        on
            summed.period_grain = repurchase_periods.period_grain
            and summed.period_start_date = repurchase_periods.period_start_date
            and summed.acquisition_channel = repurchase_periods.acquisition_channel
            and summed.customer_group = repurchase_periods.customer_group
    where
        repurchase_periods.period_grain is null
        or summed.buying_customers <> repurchase_periods.buying_customers
        or summed.paid_orders <> repurchase_periods.paid_orders
        or summed.repeat_customers <> repurchase_periods.repeat_customers
        or summed.customers_repurchasing_within_window
        <> repurchase_periods.customers_repurchasing_within_window
        or summed.repeat_orders <> repurchase_periods.repeat_orders
)

select * from cohort_mismatches
union all
select * from rollup_mismatches
