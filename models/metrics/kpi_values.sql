-- KPI values 指標值: one row per KPI x period x slice, every KPI of the registry
-- (seed kpi_registry) at its grains (day, ISO week, month; year for repurchase; campaign
-- phase for campaign KPIs) and slices (total, and by channel / category / campaign / ...
-- where the KPI has one), with the value, the previous period's value, the same period
-- last year's where the data reaches, and the changes. The values come from the
-- int_kpi_measures_* models, which read the marts; the growth KPIs are the year-on-year
-- change of another KPI of this table.

{%- set start = 'all_values.period_start_date' %}

with

registry as (
    select * from {{ ref('kpi_registry') }}
),

reporting_window as (
    select * from {{ ref('int_kpi_reporting_window') }}
),

campaign_phases as (
    select * from {{ ref('agg_campaign_phases') }}
),

measures as (
    select * from {{ ref('int_kpi_measures_traffic') }}
    union all
    select * from {{ ref('int_kpi_measures_sales') }}
    union all
    select * from {{ ref('int_kpi_measures_marketing') }}
    union all
    select * from {{ ref('int_kpi_measures_customers') }}
    union all
    select * from {{ ref('int_kpi_measures_supply_chain') }}
),

-- A ratio is its numerator over its denominator; a count or an amount is its numerator; a
-- value a mart measured as a whole (a median, a mean of its own) is taken as it is.
valued as (
    select
        *,
        coalesce(
            measured_value,
            case
                when denominator is null then cast(numerator as double)
                else cast(numerator as double) / nullif(cast(denominator as double), 0)
            end
        ) as kpi_value
    from measures
),

-- Growth KPIs (catalogue section 9): the month's value over the same month last year.
growth as (
    {%- for growth_kpi_id, base_kpi_id in [
        ('customer_growth_yoy', 'buying_customers'),
        ('net_revenue_growth_yoy', 'net_revenue'),
    ] %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            '{{ growth_kpi_id }}' as kpi_id,
            this_year.period_grain,
            this_year.period_start_date,
            this_year.slice_kind,
            this_year.slice_value,
            cast(this_year.kpi_value as decimal(38, 6)) as numerator,
            cast(last_year.kpi_value as decimal(38, 6)) as denominator,
            cast(null as double) as measured_value,
            this_year.kpi_value / nullif(last_year.kpi_value, 0) - 1 as kpi_value
        from valued as this_year
        inner join valued as last_year
            on
                this_year.kpi_id = last_year.kpi_id
                and this_year.period_grain = last_year.period_grain
                and this_year.slice_kind = last_year.slice_kind
                and this_year.slice_value = last_year.slice_value
                and last_year.period_start_date
                = cast({{ dbt.dateadd('month', -12, 'this_year.period_start_date') }} as date)
        where
            this_year.kpi_id = '{{ base_kpi_id }}'
            and this_year.period_grain = 'month'
            and this_year.slice_kind = 'total'
    {%- endfor %}
),

all_values as (
    select * from valued
    union all
    select * from growth
),

-- Campaign phases: the phase's last day, and what makes "the same phase last year" (the
-- same festival's campaign on the same channel).
phase_windows as (
    select
        {{ dbt.concat(['campaign_id', "':'", 'phase']) }} as slice_value,
        cast({{ dbt.dateadd('second', -1, 'ends_at') }} as date) as period_end_date,
        {{ dbt.concat(['campaign_event', "':'", 'channel', "':'", 'phase']) }} as comparison_key,
        extract(year from starts_at) as period_year
    from campaign_phases
),

periods as (
    select
        all_values.*,
        case all_values.period_grain
            when 'day' then all_values.period_start_date
            when 'week' then cast({{ dbt.dateadd('day', 6, start) }} as date)
            when 'month' then {{ dbt.last_day(start, 'month') }}
            when 'year' then cast({{ dbt.dateadd(
                'day', -1, dbt.dateadd('year', 1, start)
            ) }} as date)
            else phase_windows.period_end_date
        end as period_end_date,
        case all_values.period_grain
            when 'day' then cast({{ dbt.dateadd('day', -1, start) }} as date)
            when 'week' then cast({{ dbt.dateadd('day', -7, start) }} as date)
            when 'month' then cast({{ dbt.dateadd('month', -1, start) }} as date)
            when 'year' then cast({{ dbt.dateadd('year', -1, start) }} as date)
        end as previous_period_start_date,
        case all_values.period_grain
            when 'day' then cast({{ dbt.dateadd('year', -1, start) }} as date)
            -- The ISO week 52 weeks before: the same weekdays a year earlier.
            when 'week' then cast({{ dbt.dateadd('day', -364, start) }} as date)
            when 'month' then cast({{ dbt.dateadd('month', -12, start) }} as date)
            when 'year' then cast({{ dbt.dateadd('year', -1, start) }} as date)
        end as last_year_period_start_date,
        phase_windows.comparison_key,
        phase_windows.period_year
    from all_values
    left join phase_windows
        on
            all_values.period_grain = 'campaign_phase'
            and all_values.slice_value = phase_windows.slice_value
),

compared as (
    select
        periods.*,
        previous.kpi_value as previous_value,
        coalesce(last_year.kpi_value, last_year_phase.kpi_value) as last_year_value
    from periods
    left join periods as previous
        on
            periods.kpi_id = previous.kpi_id
            and periods.period_grain = previous.period_grain
            and periods.slice_kind = previous.slice_kind
            and periods.slice_value = previous.slice_value
            and periods.previous_period_start_date = previous.period_start_date
    left join periods as last_year
        on
            periods.kpi_id = last_year.kpi_id
            and periods.period_grain = last_year.period_grain
            and periods.slice_kind = last_year.slice_kind
            and periods.slice_value = last_year.slice_value
            and periods.last_year_period_start_date = last_year.period_start_date
    left join periods as last_year_phase
        on
            periods.kpi_id = last_year_phase.kpi_id
            and periods.period_grain = 'campaign_phase'
            and last_year_phase.period_grain = 'campaign_phase'
            and periods.comparison_key = last_year_phase.comparison_key
            and periods.period_year - 1 = last_year_phase.period_year
),

final as (
    select
        {{ surrogate_key([
            'compared.kpi_id', 'compared.period_grain', 'compared.period_start_date',
            'compared.slice_kind', 'compared.slice_value'
        ]) }} as kpi_value_id,
        compared.kpi_id,
        registry.kpi_name_en,
        registry.kpi_name_zh,
        registry.dimension,
        registry.unit,
        compared.period_grain,
        compared.period_start_date,
        compared.period_end_date,
        compared.slice_kind,
        compared.slice_value,
        compared.numerator,
        compared.denominator,
        compared.kpi_value,
        compared.previous_value,
        compared.kpi_value - compared.previous_value as change_vs_previous,
        compared.kpi_value / nullif(compared.previous_value, 0) - 1 as change_vs_previous_rate,
        compared.last_year_value,
        compared.kpi_value - compared.last_year_value as change_vs_last_year,
        compared.kpi_value / nullif(compared.last_year_value, 0) - 1 as change_vs_last_year_rate,
        compared.period_start_date >= reporting_window.data_start_date
        and compared.period_end_date <= reporting_window.data_end_date as is_complete_period,
        registry.depends_on_refunds
        and compared.period_end_date
        > cast({{ dbt.dateadd(
            'day', '-1 * reporting_window.provisional_days', 'reporting_window.data_end_date'
        ) }} as date)
            as is_provisional
    from compared
    inner join registry
        on compared.kpi_id = registry.kpi_id
    cross join reporting_window
)

select * from final
