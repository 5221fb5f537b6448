-- Campaign baseline 活動基線對比 (30項指標基線測試, catalogue section 5): one row per campaign x
-- window x core KPI. The windows are agg_campaign_phases': the baseline before warm-up (var
-- campaign_baseline_days), warm-up 預熱, burst 爆發, tail 收尾 and the period after the end
-- (var campaign_post_days). Each of the 30 core KPIs of the shop total is pooled over the
-- window's days from kpi_values' day rows: a rate is the sum of the days' numerators over
-- the sum of their denominators; an amount or a count (GMV) is the mean per day, so windows
-- of different lengths compare. A KPI the days cannot pool is left null with the reason: a
-- distinct count (UV), a statistic measured whole (mean fulfilment time), a KPI measured
-- only by month. Campaign ROI is the campaign's own ROI of the phase (kpi_values'
-- campaign_phase rows). Each window is compared with the baseline; the review due date is
-- the post window's (DECISIONLOG "KPI radar, weekly report and campaign baseline").

{#- KPIs counted as distinct units per period: a window's count is not the sum of its days'. #}
{%- set distinct_count_kpis = ['uv', 'buying_customers'] %}
{%- set distinct_count_list = "'" ~ distinct_count_kpis | join("', '") ~ "'" %}

with

kpi_values as (
    select * from {{ ref('kpi_values') }}
),

registry as (
    select * from {{ ref('kpi_registry') }}
),

campaign_phases as (
    select * from {{ ref('agg_campaign_phases') }}
),

reporting_window as (
    select * from {{ ref('int_kpi_reporting_window') }}
),

core_kpis as (
    select * from registry
    where is_core
),

-- The shop total's day rows of the core KPIs.
day_rows as (
    select
        kpi_values.kpi_id,
        kpi_values.period_start_date as date_day,
        kpi_values.numerator,
        kpi_values.denominator
    from kpi_values
    inner join core_kpis
        on kpi_values.kpi_id = core_kpis.kpi_id
    where kpi_values.period_grain = 'day' and kpi_values.slice_kind = 'total'
),

day_row_shapes as (
    select
        kpi_id,
        count(numerator) as days_with_numerator,
        count(denominator) as days_with_denominator
    from day_rows
    group by kpi_id
),

-- How each core KPI is measured over a window.
kpi_pooling as (
    select
        core_kpis.kpi_id,
        case
            when '|' || core_kpis.grains || '|' like '%|campaign_phase|%' then 'campaign_phase'
            when day_row_shapes.kpi_id is null then 'not_pooled'
            when core_kpis.kpi_id in ({{ distinct_count_list }}) then 'not_pooled'
            when day_row_shapes.days_with_numerator = 0 then 'not_pooled'
            when day_row_shapes.days_with_denominator = 0 then 'mean_per_day'
            else 'pooled_ratio'
        end as pooling_method,
        case
            when '|' || core_kpis.grains || '|' like '%|campaign_phase|%' then null
            when day_row_shapes.kpi_id is null
                then
                    'not measured by day (kpi_values holds it by '
                    || replace(core_kpis.grains, '|', ', ')
                    || ')'
            when core_kpis.kpi_id in ({{ distinct_count_list }})
                then 'a distinct count: the days'' counts do not add up over a window'
            when day_row_shapes.days_with_numerator = 0
                then 'measured whole per period (a mean or a median): its days do not pool'
        end as not_pooled_reason
    from core_kpis
    left join day_row_shapes
        on core_kpis.kpi_id = day_row_shapes.kpi_id
),

-- The windows, each as the days whose midnight falls in [starts_at, ends_at).
windows as (
    select
        campaign_id,
        channel,
        campaign_event,
        campaign_event_date,
        phase as campaign_window,
        phase_order as window_order,
        starts_at as window_starts_at,
        ends_at as window_ends_at,
        cast({{ dbt.dateadd('second', 86399, 'starts_at') }} as date) as first_day,
        cast({{ dbt.dateadd('second', -1, 'ends_at') }} as date) as last_day
    from campaign_phases
),

review_dates as (
    select
        campaign_id,
        review_due_date
    from campaign_phases
    where phase = 'post'
),

window_days as (
    select
        windows.*,
        {{ dbt.datediff('windows.first_day', 'windows.last_day', 'day') }}
        + 1 as days_in_window,
        greatest(
            {{ dbt.datediff(
                'greatest(windows.first_day, reporting_window.data_start_date)',
                'least(windows.last_day, reporting_window.data_end_date)',
                'day'
            ) }} + 1,
            0
        ) as days_with_data,
        windows.last_day > cast({{ dbt.dateadd(
            'day', '-1 * reporting_window.provisional_days', 'reporting_window.data_end_date'
        ) }} as date) as ends_in_refund_window
    from windows
    cross join reporting_window
),

pooled_days as (
    select
        window_days.campaign_id,
        window_days.campaign_window,
        day_rows.kpi_id,
        sum(day_rows.numerator) as numerator,
        sum(day_rows.denominator) as denominator
    from window_days
    inner join day_rows
        on day_rows.date_day between window_days.first_day and window_days.last_day
    group by window_days.campaign_id, window_days.campaign_window, day_rows.kpi_id
),

campaign_phase_rows as (
    select
        kpi_id,
        slice_value,
        numerator,
        denominator,
        kpi_value
    from kpi_values
    where period_grain = 'campaign_phase'
),

valued as (
    select
        window_days.*,
        core_kpis.kpi_id,
        core_kpis.display_order,
        core_kpis.kpi_name_en,
        core_kpis.kpi_name_zh,
        core_kpis.dimension,
        core_kpis.unit,
        core_kpis.direction,
        core_kpis.depends_on_refunds,
        kpi_pooling.pooling_method,
        case
            when
                kpi_pooling.pooling_method = 'campaign_phase' and campaign_phase_rows.kpi_id is null
                then
                    'measured per campaign phase: the campaign runs only in warm-up, burst and tail'
            when
                kpi_pooling.pooling_method = 'campaign_phase'
                and campaign_phase_rows.kpi_value is null
                then 'nothing to divide by in the phase (no campaign spend)'
            else kpi_pooling.not_pooled_reason
        end as not_pooled_reason,
        case kpi_pooling.pooling_method
            when 'campaign_phase' then campaign_phase_rows.numerator
            when 'mean_per_day'
                then case
                        when
                            window_days.days_with_data > 0
                            then coalesce(pooled_days.numerator, 0)
                    end
            when 'pooled_ratio' then pooled_days.numerator
        end as numerator,
        case kpi_pooling.pooling_method
            when 'campaign_phase' then campaign_phase_rows.denominator
            when 'mean_per_day' then cast(window_days.days_with_data as decimal(38, 6))
            when 'pooled_ratio' then pooled_days.denominator
        end as denominator,
        case kpi_pooling.pooling_method
            when 'campaign_phase' then campaign_phase_rows.kpi_value
            when 'mean_per_day'
                then {{ safe_divide(
                    'cast(coalesce(pooled_days.numerator, 0) as double)',
                    'window_days.days_with_data'
                ) }}
            when 'pooled_ratio'
                then {{ safe_divide(
                    'cast(pooled_days.numerator as double)',
                    'cast(pooled_days.denominator as double)'
                ) }}
        end as kpi_value
    from window_days
    cross join core_kpis
    inner join kpi_pooling
        on core_kpis.kpi_id = kpi_pooling.kpi_id
    left join pooled_days
        on
            window_days.campaign_id = pooled_days.campaign_id
            and window_days.campaign_window = pooled_days.campaign_window
            and core_kpis.kpi_id = pooled_days.kpi_id
    left join campaign_phase_rows
        on
            kpi_pooling.pooling_method = 'campaign_phase'
            and core_kpis.kpi_id = campaign_phase_rows.kpi_id
            and window_days.campaign_id || ':' || window_days.campaign_window
            = campaign_phase_rows.slice_value
),

compared as (
    select
        valued.*,
        baseline.kpi_value as baseline_value
    from valued
    left join valued as baseline
        on
            valued.campaign_id = baseline.campaign_id
            and valued.kpi_id = baseline.kpi_id
            and baseline.campaign_window = 'baseline'
),

final as (
    select
        {{ surrogate_key([
            'compared.campaign_id', 'compared.campaign_window', 'compared.kpi_id'
        ]) }} as kpi_campaign_baseline_id,
        compared.campaign_id,
        compared.channel,
        compared.campaign_event,
        compared.campaign_event_date,
        compared.campaign_window,
        compared.window_order,
        compared.window_starts_at,
        compared.window_ends_at,
        compared.first_day as window_first_date,
        compared.last_day as window_last_date,
        compared.days_in_window,
        compared.days_with_data,
        compared.kpi_id,
        compared.display_order,
        compared.kpi_name_en,
        compared.kpi_name_zh,
        compared.dimension,
        compared.unit,
        compared.direction,
        compared.pooling_method,
        compared.not_pooled_reason,
        compared.numerator,
        compared.denominator,
        compared.kpi_value,
        compared.baseline_value,
        case
            when compared.campaign_window <> 'baseline'
                then compared.kpi_value - compared.baseline_value
        end as change_vs_baseline,
        case
            when compared.campaign_window <> 'baseline'
                then {{ safe_divide('compared.kpi_value', 'compared.baseline_value') }} - 1
        end as change_vs_baseline_rate,
        case
            when
                compared.campaign_window = 'baseline'
                or compared.kpi_value is null
                or compared.baseline_value is null
                or compared.direction = 'none'
                then null
            when compared.direction = 'lower' then compared.kpi_value < compared.baseline_value
            else compared.kpi_value > compared.baseline_value
        end as is_better_than_baseline,
        review_dates.review_due_date,
        compared.days_with_data = compared.days_in_window as is_complete_window,
        compared.depends_on_refunds
        and compared.ends_in_refund_window
        and compared.days_with_data > 0 as is_provisional
    from compared
    left join review_dates
        on compared.campaign_id = review_dates.campaign_id
)

select * from final
