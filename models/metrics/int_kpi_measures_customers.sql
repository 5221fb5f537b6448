-- Retention and customer-value KPIs 留存與用戶價值 (catalogue section 3) at the grains their
-- marts measure: 7-day retention by first paid day (rolled up to weeks and months),
-- repurchase by month and year, cohort month-1 retention, LTV and predicted value by
-- cohort month, the champions share of each month's RFM scores, churn warnings and the
-- predicted value as of the as-of date, reactivation, members and Gen-Z by month.
-- One row per KPI x period x slice with the pooled numerator and denominator; a median
-- (the repurchase cycle) is the mart's value.

with

new_customer_retention as (
    select * from {{ ref('agg_new_customer_retention') }}
    where is_window_elapsed
),

repurchase_periods as (
    select * from {{ ref('agg_repurchase_periods') }}
    where period_grain in ('month', 'year')
),

cohort_retention as (
    select * from {{ ref('agg_cohort_retention') }}
    where months_since_first_order = 1 and is_complete_month
),

cohort_ltv as (
    select * from {{ ref('agg_cohort_ltv') }}
    where customers_365d_elapsed > 0
),

rfm_months as (
    select * from {{ ref('snap_customer_rfm_months') }}
),

lifecycle as (
    select * from {{ ref('snap_customer_lifecycle') }}
    where is_buyer
),

ltv_predicted as (
    select * from {{ ref('snap_customer_ltv_predicted') }}
    where predicted_net_revenue_365d_cny is not null
),

reactivation_months as (
    select * from {{ ref('agg_reactivation_months') }}
),

member_months as (
    select * from {{ ref('agg_member_gmv_months') }}
),

gen_z_months as (
    select * from {{ ref('agg_gen_z_months') }}
),

day_rows as (
    {{ kpi_day_rows(
        'retention_7d', 'new_customer_retention', 'retained_customers', 'new_customers',
        date_column='first_paid_date'
    ) }}
    union all
    {{ kpi_day_rows(
        'retention_7d', 'new_customer_retention', 'retained_customers', 'new_customers',
        slice_kind='acquisition_channel', slice_value='acquisition_channel',
        date_column='first_paid_date'
    ) }}
),

-- Repurchase by month and year: the mart's 'all' rows are the totals.
repurchase_rows as (
    {%- for kpi_id, numerator, denominator, measured_value in [
        ('repurchase_30d_rate', 'customers_repurchasing_within_window', 'buying_customers', 'null'),
        ('repurchase_rate', 'repeat_customers', 'buying_customers', 'null'),
        ('repurchase_cycle_days', 'null', 'null', 'median_repurchase_cycle_days'),
    ] %}
        {%- set outer_loop = loop %}
    {%- for slice_kind, slice_value, where in [
        ('total', "'all'", "acquisition_channel = 'all' and customer_group = 'all'"),
        ('acquisition_channel', 'acquisition_channel', "acquisition_channel <> 'all' and customer_group = 'all'"),
        ('customer_group', 'customer_group', "acquisition_channel = 'all' and customer_group <> 'all'"),
    ] %}
            {%- if not (outer_loop.first and loop.first) %}
                union all
            {%- endif %}
            select
                '{{ kpi_id }}' as kpi_id,
                period_grain,
                period_start_date,
                '{{ slice_kind }}' as slice_kind,
                cast({{ slice_value }} as {{ dbt.type_string() }}) as slice_value,
                cast({{ numerator }} as decimal(38, 6)) as numerator,
                cast({{ denominator }} as decimal(38, 6)) as denominator,
                cast({{ measured_value }} as double) as measured_value
            from repurchase_periods
            where {{ where }}
        {%- endfor %}
    {%- endfor %}
),

-- Monthly rows: numerator and denominator per month and slice.
month_rows as (
    {%- set slices = [('total', "'all'"), ('acquisition_channel', 'acquisition_channel')] %}
    {%- for slice_kind, slice_value in slices %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            'cohort_month_1_retention' as kpi_id,
            cohort_month as month_start_date,
            '{{ slice_kind }}' as slice_kind,
            cast({{ slice_value }} as {{ dbt.type_string() }}) as slice_value,
            sum(active_customers) as numerator,
            sum(cohort_customers) as denominator
        from cohort_retention
        group by cohort_month, {{ slice_value }}
        union all
        select
            'ltv_365d' as kpi_id,
            cohort_month as month_start_date,
            '{{ slice_kind }}' as slice_kind,
            cast({{ slice_value }} as {{ dbt.type_string() }}) as slice_value,
            sum(net_revenue_365d_cny) as numerator,
            sum(customers_365d_elapsed) as denominator
        from cohort_ltv
        group by cohort_month, {{ slice_value }}
    {%- endfor %}
    union all
    select
        'champions_share' as kpi_id,
        month_start_date,
        'total' as slice_kind,
        'all' as slice_value,
        sum(case when segment_code = 'champions' then 1 else 0 end) as numerator,
        count(*) as denominator
    from rfm_months
    group by month_start_date
    union all
    select
        'churn_warning_share' as kpi_id,
        cast({{ dbt.date_trunc('month', 'as_of_date') }} as date) as month_start_date,
        'total' as slice_kind,
        'all' as slice_value,
        sum(case when is_churn_warning then 1 else 0 end) as numerator,
        count(*) as denominator
    from lifecycle
    group by cast({{ dbt.date_trunc('month', 'as_of_date') }} as date)
    union all
    select
        'predicted_ltv_12m' as kpi_id,
        cast({{ dbt.date_trunc('month', 'as_of_date') }} as date) as month_start_date,
        'total' as slice_kind,
        'all' as slice_value,
        sum(predicted_net_revenue_365d_cny) as numerator,
        count(*) as denominator
    from ltv_predicted
    group by cast({{ dbt.date_trunc('month', 'as_of_date') }} as date)
    union all
    select
        'dormant_reactivation_rate' as kpi_id,
        month_start_date,
        'total' as slice_kind,
        'all' as slice_value,
        reactivated_customers as numerator,
        dormant_customers_at_start as denominator
    from reactivation_months
    union all
    select
        'member_gmv_share' as kpi_id,
        month_start_date,
        'total' as slice_kind,
        'all' as slice_value,
        sum(case when is_member then gmv_cny else 0 end) as numerator,
        max(month_gmv_cny) as denominator
    from member_months
    group by month_start_date
    union all
    select
        'member_gmv_share' as kpi_id,
        month_start_date,
        'member_tier' as slice_kind,
        member_tier as slice_value,
        gmv_cny as numerator,
        month_gmv_cny as denominator
    from member_months
    where is_member
    union all
    select
        'member_activity_rate' as kpi_id,
        month_start_date,
        'total' as slice_kind,
        'all' as slice_value,
        sum(active_customers) as numerator,
        sum(registered_customers) as denominator
    from member_months
    where is_member
    group by month_start_date
    union all
    select
        'member_activity_rate' as kpi_id,
        month_start_date,
        'member_tier' as slice_kind,
        member_tier as slice_value,
        active_customers as numerator,
        registered_customers as denominator
    from member_months
    where is_member
    union all
    select
        'gen_z_customer_share' as kpi_id,
        month_start_date,
        'total' as slice_kind,
        'all' as slice_value,
        sum(case when customer_group = 'gen_z' then buying_customers else 0 end) as numerator,
        sum(buying_customers) as denominator
    from gen_z_months
    group by month_start_date
    union all
    select
        'gen_z_gmv_share' as kpi_id,
        month_start_date,
        'total' as slice_kind,
        'all' as slice_value,
        sum(case when customer_group = 'gen_z' then gmv_cny else 0 end) as numerator,
        sum(gmv_cny) as denominator
    from gen_z_months
    group by month_start_date
),

final as (
    {{ kpi_day_rollup('day_rows') }}
    union all
    select * from repurchase_rows
    union all
    {{ kpi_measures('month_rows', 'month', 'month_start_date') }}
)

select * from final
