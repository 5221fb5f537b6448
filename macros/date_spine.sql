{#- One row per day from start_date to end_date inclusive, column date_day. -#}
{% macro date_spine(start_date, end_date) -%}
    {{ return(adapter.dispatch('date_spine', 'shopkpi')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__date_spine(start_date, end_date) -%}
    select cast(unnest(generate_series(
        cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 day
    )) as date) as date_day
{%- endmacro %}

{% macro spark__date_spine(start_date, end_date) -%}
    select explode(sequence(
        cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 day
    )) as date_day
{%- endmacro %}

{#- One row per hour of the day, column hour_number 0..23. -#}
{% macro hour_numbers() -%}
    {{ return(adapter.dispatch('hour_numbers', 'shopkpi')()) }}
{%- endmacro %}

{% macro default__hour_numbers() -%}
    select unnest(range(24)) as hour_number
{%- endmacro %}

{% macro spark__hour_numbers() -%}
    select explode(sequence(0, 23)) as hour_number
{%- endmacro %}
