-- One row per period (month, quarter, year) x acquisition channel x customer group (gen_z /
-- other), plus rollup rows where the channel or the group is 'all': customers who paid in
-- the period, how many paid at least twice in it (復購率), how many paid an order within N
-- days of their previous paid order (N = var repurchase_window_days, 30 by default:
-- 30日復購率), and the median days between consecutive paid orders whose later order falls
-- in the period (復購周期). Medians do not add up, so every published grouping is computed
-- on its own: read the 'all' rows for totals instead of summing detail rows. Orders after
-- the as-of date are left out; the as-of period is partly observed.

{%- set window_days = var('repurchase_window_days') %}
{%- set period_months = {'month': 1, 'quarter': 3, 'year': 12} %}
{#- Each grouping: the dimensions kept; the others become 'all'. #}
{%- set groupings = [
    ['acquisition_channel', 'customer_group'],
    ['acquisition_channel'],
    ['customer_group'],
    [],
] %}

with

customer_ltv as (
    select * from {{ ref('snap_customer_ltv') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

as_of as (
    select * from {{ ref('int_customer_value_as_of') }}
),

paid_orders as (
    select
        orders.customer_id,
        orders.paid_date,
        orders.days_since_previous_paid_order,
        customer_ltv.acquisition_channel,
        case when customer_ltv.is_gen_z then 'gen_z' else 'other' end as customer_group
    from orders
    inner join customer_ltv
        on orders.customer_id = customer_ltv.customer_id
    where
        orders.is_paid
        and orders.paid_date <= customer_ltv.as_of_date
),

period_orders as (
    {%- for grain in period_months %}
        select
            '{{ grain }}' as period_grain,
            cast({{ dbt.date_trunc(grain, 'paid_orders.paid_date') }} as date)
                as period_start_date,
            paid_orders.customer_id,
            paid_orders.days_since_previous_paid_order,
            paid_orders.acquisition_channel,
            paid_orders.customer_group
        from paid_orders
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

customer_periods as (
    select
        period_orders.period_grain,
        period_orders.period_start_date,
        period_orders.customer_id,
        period_orders.acquisition_channel,
        period_orders.customer_group,
        count(*) as paid_orders,
        max(
            case
                when period_orders.days_since_previous_paid_order <= {{ window_days }} then 1
                else 0
            end
        ) as has_repurchase_within_window
    from period_orders
    group by
        period_orders.period_grain,
        period_orders.period_start_date,
        period_orders.customer_id,
        period_orders.acquisition_channel,
        period_orders.customer_group
),

customer_rollups as (
    {%- for kept in groupings %}
        select
            customer_periods.period_grain,
            customer_periods.period_start_date,
            {%- for dimension in ['acquisition_channel', 'customer_group'] %}
                {{ 'customer_periods.' ~ dimension if dimension in kept else "'all'" }}
                    as {{ dimension }},
            {%- endfor %}
            count(*) as buying_customers,
            cast(sum(customer_periods.paid_orders) as bigint) as paid_orders,
            cast(sum(case when customer_periods.paid_orders >= 2 then 1 else 0 end) as bigint)
                as repeat_customers,
            cast(sum(customer_periods.has_repurchase_within_window) as bigint)
                as customers_repurchasing_within_window
        from customer_periods
        group by
            {%- for dimension in kept %}
                customer_periods.{{ dimension }},
            {%- endfor %}
            customer_periods.period_grain,
            customer_periods.period_start_date
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

cycle_rollups as (
    {%- for kept in groupings %}
        select
            period_orders.period_grain,
            period_orders.period_start_date,
            {%- for dimension in ['acquisition_channel', 'customer_group'] %}
                {{ 'period_orders.' ~ dimension if dimension in kept else "'all'" }}
                    as {{ dimension }},
            {%- endfor %}
            count(*) as repeat_orders,
            percentile_cont(0.5) within group (
                order by period_orders.days_since_previous_paid_order
            ) as median_repurchase_cycle_days
        from period_orders
        where period_orders.days_since_previous_paid_order is not null
        group by
            {%- for dimension in kept %}
                period_orders.{{ dimension }},
            {%- endfor %}
            period_orders.period_grain,
            period_orders.period_start_date
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

periods as (
    select
        customer_rollups.*,
        case customer_rollups.period_grain
            {%- for grain, months in period_months.items() %}
                when '{{ grain }}'
                    then cast({{ dbt.dateadd(
                        'day', -1, dbt.dateadd('month', months, 'customer_rollups.period_start_date')
                    ) }} as date)
            {%- endfor %}
        end as period_end_date
    from customer_rollups
),

final as (
    select
        {{ surrogate_key([
            'periods.period_grain', 'periods.period_start_date',
            'periods.acquisition_channel', 'periods.customer_group'
        ]) }} as repurchase_period_id,
        periods.period_grain,
        periods.period_start_date,
        periods.period_end_date,
        periods.period_end_date <= as_of.as_of_date as is_complete_period,
        periods.acquisition_channel,
        periods.customer_group,
        periods.buying_customers,
        periods.paid_orders,
        periods.repeat_customers,
        {{ safe_divide('periods.repeat_customers', 'periods.buying_customers') }}
            as repurchase_rate,
        periods.customers_repurchasing_within_window,
        {{ safe_divide(
            'periods.customers_repurchasing_within_window', 'periods.buying_customers'
        ) }} as repurchase_within_window_rate,
        coalesce(cycle_rollups.repeat_orders, 0) as repeat_orders,
        cycle_rollups.median_repurchase_cycle_days
    from periods
    cross join as_of
    left join cycle_rollups
        on
            periods.period_grain = cycle_rollups.period_grain
            and periods.period_start_date = cycle_rollups.period_start_date
            and periods.acquisition_channel = cycle_rollups.acquisition_channel
            and periods.customer_group = cycle_rollups.customer_group
)

select * from final
