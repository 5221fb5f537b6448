-- Weekly marketing report 營銷效果周報 (catalogue section 7): one row per ISO week x core KPI
-- (the 30 of seed kpi_registry, is_core), this week against last week, its target, the same
-- week last year and the external benchmarks, ready for the report page (which filters the
-- week; is_latest_complete_week marks the default one). A KPI measured by week shows the
-- week from kpi_scorecard. A KPI measured only by month (repurchase, LTV, CAC, budget pacing,
-- reactivation) shows the latest month that has ended by the week's last day, against the
-- month before. Campaign ROI, measured per campaign phase, shows the campaigns running in the
-- week pooled: their credited net revenue over their spend (kpi_values' roi by campaign).

{#- The KPIs measured per campaign phase, and the KPI whose campaign slices give their week. #}
{%- set pooled_from_campaigns = {'campaign_phase_roi': 'roi'} %}
{%- set pooled_kpi_list = "'" ~ pooled_from_campaigns.keys() | join("', '") ~ "'" %}

with

scorecard as (
    select * from {{ ref('kpi_scorecard') }}
),

kpi_values as (
    select * from {{ ref('kpi_values') }}
),

registry as (
    select * from {{ ref('kpi_registry') }}
),

dimensions as (
    select * from {{ ref('kpi_dimensions') }}
),

core_kpis as (
    select
        registry.*,
        '|' || registry.grains || '|' like '%|week|%' as is_weekly,
        '|' || registry.grains || '|' like '%|month|%' as is_monthly
    from registry
    where registry.is_core
),

weeks as (
    select distinct
        period_start_date as week_start_date,
        period_end_date as week_end_date,
        is_complete_period as is_complete_week
    from scorecard
    where period_grain = 'week' and slice_kind = 'total'
),

latest_complete_week as (
    select max(week_start_date) as week_start_date
    from weeks
    where is_complete_week
),

-- The scorecard rows of the shop total at week and month grain, for the core KPIs.
total_rows as (
    select scorecard.*
    from scorecard
    inner join core_kpis
        on scorecard.kpi_id = core_kpis.kpi_id
    where scorecard.slice_kind = 'total' and scorecard.period_grain in ('week', 'month')
),

-- KPIs measured by week: the week's own row.
weekly_values as (
    select
        weeks.week_start_date,
        total_rows.*
    from weeks
    inner join total_rows
        on
            total_rows.period_grain = 'week'
            and weeks.week_start_date = total_rows.period_start_date
    inner join core_kpis
        on total_rows.kpi_id = core_kpis.kpi_id
    where core_kpis.is_weekly
),

-- KPIs measured only by month: the latest month ended by the week's last day.
months_ended_by_week as (
    select
        weeks.week_start_date,
        total_rows.*,
        row_number() over (
            partition by weeks.week_start_date, total_rows.kpi_id
            order by total_rows.period_start_date desc
        ) as recency_rank
    from weeks
    inner join total_rows
        on
            total_rows.period_grain = 'month'
            and weeks.week_end_date >= total_rows.period_end_date
    inner join core_kpis
        on total_rows.kpi_id = core_kpis.kpi_id
    where core_kpis.is_monthly and not core_kpis.is_weekly
),

monthly_values as (
    select * from months_ended_by_week
    where recency_rank = 1
),

-- KPIs measured per campaign phase: the week's campaign slices of their base KPI, pooled.
campaign_weeks as (
    {%- for kpi_id, base_kpi_id in pooled_from_campaigns.items() %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            '{{ kpi_id }}' as kpi_id,
            period_start_date as week_start_date,
            {{ safe_divide('sum(numerator)', 'sum(denominator)') }} as kpi_value,
            bool_or(is_provisional) as is_provisional
        from kpi_values
        where
            kpi_id = '{{ base_kpi_id }}'
            and period_grain = 'week'
            and slice_kind = 'campaign'
        group by period_start_date
    {%- endfor %}
),

campaign_values as (
    select
        weeks.week_start_date,
        core_kpis.kpi_id,
        weeks.week_start_date as period_start_date,
        weeks.week_end_date as period_end_date,
        weeks.is_complete_week as is_complete_period,
        coalesce(this_week.is_provisional, false) as is_provisional,
        cast(this_week.kpi_value as double) as kpi_value,
        cast(previous_week.kpi_value as double) as previous_value,
        cast(last_year.kpi_value as double) as last_year_value,
        core_kpis.direction,
        case
            when core_kpis.target is null or core_kpis.target_basis = 'none' then null
            when core_kpis.target_basis = 'change_vs_last_year'
                then last_year.kpi_value * (1 + core_kpis.target)
            else core_kpis.target
        end as target_value
    from weeks
    inner join core_kpis
        on core_kpis.kpi_id in ({{ pooled_kpi_list }})
    left join campaign_weeks as this_week
        on
            core_kpis.kpi_id = this_week.kpi_id
            and weeks.week_start_date = this_week.week_start_date
    left join campaign_weeks as previous_week
        on
            core_kpis.kpi_id = previous_week.kpi_id
            and previous_week.week_start_date
            = cast({{ dbt.dateadd('day', -7, 'weeks.week_start_date') }} as date)
    left join campaign_weeks as last_year
        on
            core_kpis.kpi_id = last_year.kpi_id
            and last_year.week_start_date
            = cast({{ dbt.dateadd('day', -364, 'weeks.week_start_date') }} as date)
),

-- Attainment as kpi_scorecard sets it (direction-aware, at least 0; null without a target
-- or a value).
campaign_scored as (
    select
        *,
        {{ kpi_attainment('kpi_value', 'target_value', 'direction') }} as attainment
    from campaign_values
),

report_values as (
    select
        week_start_date,
        kpi_id,
        period_start_date,
        period_end_date,
        kpi_value,
        previous_value,
        change_vs_previous,
        change_vs_previous_rate,
        last_year_value,
        change_vs_last_year,
        target_value,
        attainment,
        status,
        -- The external benchmarks 行業基準 / 競品平均 / top shops of the scorecard row.
        benchmark_industry,
        benchmark_competitor,
        benchmark_top_shop,
        is_complete_period,
        is_provisional
    from weekly_values
    union all
    select
        week_start_date,
        kpi_id,
        period_start_date,
        period_end_date,
        kpi_value,
        previous_value,
        change_vs_previous,
        change_vs_previous_rate,
        last_year_value,
        change_vs_last_year,
        target_value,
        attainment,
        status,
        benchmark_industry,
        benchmark_competitor,
        benchmark_top_shop,
        is_complete_period,
        is_provisional
    from monthly_values
    union all
    select
        week_start_date,
        kpi_id,
        period_start_date,
        period_end_date,
        kpi_value,
        previous_value,
        kpi_value - previous_value as change_vs_previous,
        {{ safe_divide('kpi_value', 'previous_value') }} - 1 as change_vs_previous_rate,
        last_year_value,
        kpi_value - last_year_value as change_vs_last_year,
        target_value,
        attainment,
        {{ kpi_status('attainment') }} as status,
        -- Campaign ROI of a week pools the running campaigns: no scorecard row, no benchmark.
        cast(null as double) as benchmark_industry,
        cast(null as double) as benchmark_competitor,
        cast(null as double) as benchmark_top_shop,
        is_complete_period,
        is_provisional
    from campaign_scored
),

-- Every core KPI in every week, with or without a value.
spine as (
    select
        weeks.week_start_date,
        weeks.week_end_date,
        weeks.is_complete_week,
        core_kpis.kpi_id,
        core_kpis.display_order,
        core_kpis.kpi_name_en,
        core_kpis.kpi_name_zh,
        core_kpis.dimension,
        core_kpis.unit,
        core_kpis.direction,
        case
            when core_kpis.is_weekly then 'week'
            when core_kpis.is_monthly then 'month'
            else 'week'
        end as value_grain,
        -- The ISO year and week are those of the week's Thursday.
        cast({{ dbt.dateadd('day', 3, 'weeks.week_start_date') }} as date) as week_thursday
    from weeks
    cross join core_kpis
),

final as (
    select
        {{ surrogate_key(['spine.week_start_date', 'spine.kpi_id']) }} as kpi_weekly_report_id,
        spine.week_start_date,
        spine.week_end_date,
        cast(extract(year from spine.week_thursday) as integer) as iso_year,
        cast(floor({{ dbt.datediff(
            dbt.date_trunc('year', 'spine.week_thursday'), 'spine.week_thursday', 'day'
        ) }} / 7.0) + 1 as integer) as iso_week,
        spine.is_complete_week,
        coalesce(spine.week_start_date = latest_complete_week.week_start_date, false)
            as is_latest_complete_week,
        spine.kpi_id,
        spine.display_order,
        spine.kpi_name_en,
        spine.kpi_name_zh,
        spine.dimension,
        dimensions.dimension_name_en,
        dimensions.dimension_name_zh,
        spine.unit,
        spine.direction,
        spine.value_grain,
        report_values.period_start_date as value_period_start_date,
        report_values.period_end_date as value_period_end_date,
        report_values.kpi_value,
        report_values.previous_value,
        report_values.change_vs_previous,
        report_values.change_vs_previous_rate,
        report_values.target_value,
        report_values.attainment,
        coalesce(report_values.status, 'no_target') as status,
        report_values.benchmark_industry,
        report_values.benchmark_competitor,
        report_values.benchmark_top_shop,
        report_values.last_year_value,
        report_values.change_vs_last_year,
        report_values.is_complete_period,
        coalesce(report_values.is_provisional, false) as is_provisional
    from spine
    inner join dimensions
        on spine.dimension = dimensions.dimension
    cross join latest_complete_week
    left join report_values
        on
            spine.week_start_date = report_values.week_start_date
            and spine.kpi_id = report_values.kpi_id
)

select * from final
