-- KPI radar 指標雷達圖 (catalogue section 7): one score from 0 to 100 per dimension (traffic
-- 流量, conversion 轉化, retention 留存, profit 盈利, supply chain 供應鏈) for every complete ISO
-- week and month of the shop total. A dimension's score is the mean, over its core KPIs that
-- have a target in the period, of their attainment capped at 1 (seed kpi_registry, attainment
-- from kpi_scorecard), times 100: 100 means every scored KPI is on target, and a KPI far
-- above its target cannot hide another that misses (DECISIONLOG "KPI radar, weekly report
-- and campaign baseline"). Beside the score: how many KPIs it rests on, the previous
-- period's score and the weakest KPI, so a manager sees why a dimension lags.

with

scorecard as (
    select * from {{ ref('kpi_scorecard') }}
),

registry as (
    select * from {{ ref('kpi_registry') }}
),

dimensions as (
    select * from {{ ref('kpi_dimensions') }}
),

-- The core KPIs of the shop total in complete weeks and months.
core_values as (
    select
        scorecard.period_grain,
        scorecard.period_start_date,
        scorecard.period_end_date,
        registry.dimension,
        registry.display_order,
        scorecard.kpi_id,
        scorecard.kpi_name_en,
        scorecard.kpi_name_zh,
        scorecard.kpi_value,
        scorecard.target_value,
        scorecard.attainment,
        scorecard.status,
        scorecard.is_provisional
    from scorecard
    inner join registry
        on scorecard.kpi_id = registry.kpi_id
    where
        registry.is_core
        and scorecard.slice_kind = 'total'
        and scorecard.period_grain in ('week', 'month')
        and scorecard.is_complete_period
),

periods as (
    select distinct
        period_grain,
        period_start_date,
        period_end_date
    from core_values
),

-- A KPI is scored when the scorecard holds it to a target in the period and it has a value
-- (status other than no_target; the attainment of a no_target row is not a score).
scored as (
    select
        *,
        case when attainment > 1 then 1.0 else attainment end as capped_attainment,
        row_number() over (
            partition by period_grain, period_start_date, dimension
            order by attainment, display_order
        ) as weakness_rank
    from core_values
    where status <> 'no_target' and attainment is not null
),

dimension_scores as (
    select
        period_grain,
        period_start_date,
        dimension,
        -- An exact sum over a count: a sum of doubles could move in its last bits between
        -- builds (DECISIONLOG "Identical rebuilds").
        100 * cast(sum(cast(capped_attainment as decimal(38, 12))) as double) / count(*)
            as radar_score,
        count(*) as kpis_scored,
        sum(case when status = 'on_target' then 1 else 0 end) as kpis_on_target,
        bool_or(is_provisional) as is_provisional
    from scored
    group by period_grain, period_start_date, dimension
),

kpis_reported as (
    select
        period_grain,
        period_start_date,
        dimension,
        count(*) as kpis_reported
    from core_values
    group by period_grain, period_start_date, dimension
),

weakest as (
    select * from scored
    where weakness_rank = 1
),

radar as (
    select
        periods.period_grain,
        periods.period_start_date,
        periods.period_end_date,
        case periods.period_grain
            when 'week' then cast({{ dbt.dateadd('day', -7, 'periods.period_start_date') }} as date)
            else cast({{ dbt.dateadd('month', -1, 'periods.period_start_date') }} as date)
        end as previous_period_start_date,
        dimensions.dimension,
        dimensions.display_order as dimension_display_order,
        dimensions.dimension_name_en,
        dimensions.dimension_name_zh,
        dimension_scores.radar_score,
        coalesce(dimension_scores.kpis_scored, 0) as kpis_scored,
        coalesce(dimension_scores.kpis_on_target, 0) as kpis_on_target,
        coalesce(kpis_reported.kpis_reported, 0) as kpis_reported,
        weakest.kpi_id as weakest_kpi_id,
        weakest.kpi_name_en as weakest_kpi_name_en,
        weakest.kpi_name_zh as weakest_kpi_name_zh,
        weakest.kpi_value as weakest_kpi_value,
        weakest.target_value as weakest_kpi_target_value,
        weakest.attainment as weakest_kpi_attainment,
        coalesce(dimension_scores.is_provisional, false) as is_provisional
    from periods
    cross join dimensions
    left join dimension_scores
        on
            periods.period_grain = dimension_scores.period_grain
            and periods.period_start_date = dimension_scores.period_start_date
            and dimensions.dimension = dimension_scores.dimension
    left join kpis_reported
        on
            periods.period_grain = kpis_reported.period_grain
            and periods.period_start_date = kpis_reported.period_start_date
            and dimensions.dimension = kpis_reported.dimension
    left join weakest
        on
            periods.period_grain = weakest.period_grain
            and periods.period_start_date = weakest.period_start_date
            and dimensions.dimension = weakest.dimension
),

final as (
    select
        {{ surrogate_key([
            'radar.period_grain', 'radar.period_start_date', 'radar.dimension'
        ]) }} as kpi_radar_dimension_id,
        radar.period_grain,
        radar.period_start_date,
        radar.period_end_date,
        radar.dimension,
        radar.dimension_display_order,
        radar.dimension_name_en,
        radar.dimension_name_zh,
        radar.radar_score,
        radar.kpis_scored,
        radar.kpis_on_target,
        radar.kpis_reported,
        previous.radar_score as previous_radar_score,
        radar.radar_score - previous.radar_score as change_vs_previous,
        radar.weakest_kpi_id,
        radar.weakest_kpi_name_en,
        radar.weakest_kpi_name_zh,
        radar.weakest_kpi_value,
        radar.weakest_kpi_target_value,
        radar.weakest_kpi_attainment,
        radar.is_provisional
    from radar
    left join radar as previous
        on
            radar.period_grain = previous.period_grain
            and radar.dimension = previous.dimension
            and radar.previous_period_start_date = previous.period_start_date
)

select * from final
