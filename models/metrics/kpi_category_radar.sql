-- Category sales radar 商品銷售雷達圖 (catalogue section 7): for every month, quarter and
-- year (var kpi_category_radar_grains), each product category on five axes: GMV, gross
-- margin rate, growth (GMV against the same period last year), refund rate (orders with a
-- refunded line; lower is better) and conversion (sessions that viewed the category and
-- bought it / sessions that viewed it).
-- Each axis is scored 0-100 against the best category of the period: 100 x value / best
-- value when higher is better, 100 x best value / value when lower is better, so a score
-- keeps the proportions of the values (half the best GMV scores 50). Growth is scored on
-- its index (this year / last year), which stays positive when GMV falls. GMV, margin and
-- refunds are kpi_values' category slices; quarters and years pool their months' numerators
-- and denominators. Conversion pools int_session_categories_viewed.

{%- set axes = [
    ('gmv', 1, 'GMV', '成交總額 GMV', 'higher'),
    ('gross_margin_rate', 2, 'Gross margin', '毛利率', 'higher'),
    ('gmv_growth_yoy', 3, 'Growth (GMV YoY)', '同比增長', 'higher'),
    ('refund_order_rate', 4, 'Refund rate', '退貨退款率', 'lower'),
    ('conversion_rate', 5, 'Conversion', '轉化率', 'higher'),
] %}

with

kpi_values as (
    select * from {{ ref('kpi_values') }}
),

session_categories as (
    select * from {{ ref('int_session_categories_viewed') }}
),

reporting_window as (
    select * from {{ ref('int_kpi_reporting_window') }}
),

-- The category months of the three KPIs read from kpi_values, with GMV's same month last
-- year, and conversion's months.
category_months as (
    select
        kpi_id,
        period_start_date as month_start_date,
        slice_value as category,
        numerator,
        denominator,
        last_year_value,
        is_provisional
    from kpi_values
    where
        kpi_id in ('gmv', 'gross_margin_rate', 'refund_order_rate')
        and period_grain = 'month'
        and slice_kind = 'category'
    union all
    select
        'conversion_rate' as kpi_id,
        cast({{ dbt.date_trunc('month', 'session_date') }} as date) as month_start_date,
        category,
        cast(sum(case when has_paid_order_of_category then 1 else 0 end) as decimal(38, 6))
            as numerator,
        cast(count(*) as decimal(38, 6)) as denominator,
        cast(null as double) as last_year_value,
        false as is_provisional
    from session_categories
    group by {{ dbt.date_trunc('month', 'session_date') }}, category
),

-- Months pooled into the periods of var kpi_category_radar_grains (month, quarter, year).
pooled as (
    {%- for grain in var('kpi_category_radar_grains') %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        {%- set period_start = dbt.date_trunc(grain, 'month_start_date') %}
        {%- set months = {'month': 1, 'quarter': 3, 'year': 12}[grain] %}
        select
            kpi_id,
            '{{ grain }}' as period_grain,
            cast({{ period_start }} as date) as period_start_date,
            cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', months, period_start)) }} as date)
                as period_end_date,
            category,
            sum(numerator) as numerator,
            sum(denominator) as denominator,
            -- Last year's GMV of the period, when every month of it has one.
            case
                when
                    count(last_year_value) = count(*)
                    then cast(sum(cast(last_year_value as decimal(38, 6))) as double)
            end as last_year_value,
            bool_or(is_provisional) as is_provisional
        from category_months
        group by kpi_id, {{ period_start }}, category
    {%- endfor %}
),

valued as (
    select
        kpi_id,
        period_grain,
        period_start_date,
        period_end_date,
        category,
        numerator,
        denominator,
        case
            when denominator is null then cast(numerator as double)
            else {{ safe_divide('cast(numerator as double)', 'cast(denominator as double)') }}
        end as raw_value,
        last_year_value,
        is_provisional
    from pooled
),

-- Growth: the period's GMV over the same period a year earlier, minus 1.
growth as (
    select
        'gmv_growth_yoy' as kpi_id,
        period_grain,
        period_start_date,
        period_end_date,
        category,
        numerator,
        cast(last_year_value as decimal(38, 6)) as denominator,
        {{ safe_divide('raw_value', 'last_year_value') }} - 1 as raw_value,
        last_year_value,
        is_provisional
    from valued
    where kpi_id = 'gmv'
),

axis_values as (
    select * from valued
    union all
    select * from growth
),

axes as (
    {%- for axis, axis_order, name_en, name_zh, direction in axes %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            '{{ axis }}' as axis,
            {{ axis_order }} as axis_order,
            '{{ name_en }}' as axis_name_en,
            '{{ name_zh }}' as axis_name_zh,
            '{{ direction }}' as direction
    {%- endfor %}
),

-- Every category of the period on every axis.
spine as (
    select distinct
        valued.period_grain,
        valued.period_start_date,
        valued.period_end_date,
        valued.category,
        axes.axis,
        axes.axis_order,
        axes.axis_name_en,
        axes.axis_name_zh,
        axes.direction
    from valued
    cross join axes
),

-- The value a score compares: the growth index (1 + growth) for growth, else the value.
compared as (
    select
        spine.*,
        axis_values.numerator,
        axis_values.denominator,
        axis_values.raw_value,
        case
            when spine.axis = 'gmv_growth_yoy' then axis_values.raw_value + 1
            else axis_values.raw_value
        end as compared_value,
        coalesce(axis_values.is_provisional, false) as is_provisional
    from spine
    left join axis_values
        on
            spine.axis = axis_values.kpi_id
            and spine.period_grain = axis_values.period_grain
            and spine.period_start_date = axis_values.period_start_date
            and spine.category = axis_values.category
),

best as (
    select
        *,
        case
            when direction = 'lower'
                then min(compared_value) over (
                        partition by period_grain, period_start_date, axis
                    )
            else max(compared_value) over (partition by period_grain, period_start_date, axis)
        end as best_compared_value,
        case
            when direction = 'lower'
                then min(raw_value) over (partition by period_grain, period_start_date, axis)
            else max(raw_value) over (partition by period_grain, period_start_date, axis)
        end as best_value,
        count(compared_value) over (
            partition by period_grain, period_start_date, axis
        ) as categories_compared
    from compared
),

-- Share of the best: a value of 0 or less scores 0 when higher is better and 100 when lower
-- is better; a period whose best is 0 or less on a higher-is-better axis scores nobody.
scored as (
    select
        *,
        case
            when compared_value is null then null
            when direction = 'lower' and compared_value <= 0 then 100.0
            when direction = 'lower'
                then 100.0 * (greatest(best_compared_value, 0) / compared_value)
            when best_compared_value <= 0 then null
            when compared_value <= 0 then 0.0
            else 100.0 * (compared_value / best_compared_value)
        end as axis_score
    from best
),

final as (
    select
        {{ surrogate_key([
            'scored.period_grain', 'scored.period_start_date', 'scored.category', 'scored.axis'
        ]) }} as kpi_category_radar_id,
        scored.period_grain,
        scored.period_start_date,
        scored.period_end_date,
        scored.category,
        scored.axis,
        scored.axis_order,
        scored.axis_name_en,
        scored.axis_name_zh,
        scored.direction,
        scored.numerator,
        scored.denominator,
        scored.raw_value,
        scored.best_value,
        scored.axis_score,
        case
            when scored.axis_score is not null
                then rank() over (
                        partition by
                            scored.period_grain, scored.period_start_date, scored.axis,
                            scored.axis_score is null
                        order by scored.axis_score desc
                    )
        end as axis_rank,
        scored.categories_compared,
        scored.period_start_date >= reporting_window.data_start_date
        and scored.period_end_date <= reporting_window.data_end_date as is_complete_period,
        scored.is_provisional
    from scored
    cross join reporting_window
)

select * from final
