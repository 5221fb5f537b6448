{#-
    KPI measures by period. `day_rows` names a relation or CTE with one row per KPI x day x
    slice: kpi_id, date_day, slice_kind, slice_value, numerator, denominator. The measures of
    ISO weeks (Monday to Sunday) and calendar months are the sums of their days' numerators
    and denominators, so every rate is pooled, never an average of daily rates.
-#}
{% macro kpi_day_rollup(day_rows) -%}
    select
        kpi_id,
        'day' as period_grain,
        date_day as period_start_date,
        slice_kind,
        slice_value,
        cast(numerator as decimal(38, 6)) as numerator,
        cast(denominator as decimal(38, 6)) as denominator,
        cast(null as double) as measured_value
    from {{ day_rows }}
    {%- for grain in ['week', 'month'] %}
    union all
    select
        kpi_id,
        '{{ grain }}' as period_grain,
        cast({{ dbt.date_trunc(grain, 'date_day') }} as date) as period_start_date,
        slice_kind,
        slice_value,
        cast(sum(numerator) as decimal(38, 6)) as numerator,
        cast(sum(denominator) as decimal(38, 6)) as denominator,
        cast(null as double) as measured_value
    from {{ day_rows }}
    group by kpi_id, {{ dbt.date_trunc(grain, 'date_day') }}, slice_kind, slice_value
    {%- endfor %}
{%- endmacro %}

{#-
    One KPI's day rows from a relation: the sums of its numerator and denominator expressions
    per day and slice (a denominator of 'null' leaves a count or an amount on its own).
-#}
{% macro kpi_day_rows(
    kpi_id, relation, numerator, denominator='null', slice_kind='total',
    slice_value="'all'", date_column='date_day', where=none
) -%}
    select
        '{{ kpi_id }}' as kpi_id,
        {{ date_column }} as date_day,
        '{{ slice_kind }}' as slice_kind,
        cast({{ slice_value }} as {{ dbt.type_string() }}) as slice_value,
        cast(sum({{ numerator }}) as decimal(38, 6)) as numerator,
        {%- if denominator == 'null' %}
        cast(null as decimal(38, 6)) as denominator
        {%- else %}
        cast(sum({{ denominator }}) as decimal(38, 6)) as denominator
        {%- endif %}
    from {{ relation }}
    {%- if where %}
    where {{ where }}
    {%- endif %}
    group by {{ date_column }}, {{ slice_value }}
{%- endmacro %}

{#-
    The scorecard status of an attainment: on_target from var scorecard_on_target_from,
    watch from var scorecard_watch_from, off_target below, no_target without one.
-#}
{% macro kpi_status(attainment) -%}
    case
        when {{ attainment }} is null then 'no_target'
        when {{ attainment }} >= {{ var('scorecard_on_target_from') }} then 'on_target'
        when {{ attainment }} >= {{ var('scorecard_watch_from') }} then 'watch'
        else 'off_target'
    end
{%- endmacro %}

{#-
    Direction-aware attainment of a value against a reference (a target or a benchmark):
    value / reference when higher is better, reference / value when lower is better, so 1 is
    exactly on it and more is better either way; never below 0. A reference of 0 or less (or
    a value of 0 when lower is better) is met or not: 1 or 0. Null without a reference, a
    value or a direction.
-#}
{% macro kpi_attainment(value, reference, direction) -%}
    case
        when
            {{ reference }} is null or {{ value }} is null
            or coalesce({{ direction }}, 'none') not in ('higher', 'lower')
            then null
        when {{ direction }} = 'higher' and {{ reference }} > 0
            then greatest({{ value }} / {{ reference }}, 0)
        when {{ direction }} = 'higher'
            then case when {{ value }} >= {{ reference }} then 1.0 else 0.0 end
        when {{ value }} > 0
            then greatest({{ reference }} / {{ value }}, 0)
        else case when {{ value }} <= {{ reference }} then 1.0 else 0.0 end
    end
{%- endmacro %}

{#-
    KPI measures from rows that already hold a period: kpi_id, slice_kind, slice_value,
    numerator, denominator, and the period's grain and start (columns period_grain and
    period_start_date, or a fixed grain and the named start column).
-#}
{% macro kpi_measures(relation, period_grain=none, period_start_column='period_start_date') -%}
    select
        kpi_id,
        {% if period_grain %}'{{ period_grain }}'{% else %}period_grain{% endif %} as period_grain,
        {{ period_start_column }} as period_start_date,
        slice_kind,
        slice_value,
        cast(numerator as decimal(38, 6)) as numerator,
        cast(denominator as decimal(38, 6)) as denominator,
        cast(null as double) as measured_value
    from {{ relation }}
{%- endmacro %}
