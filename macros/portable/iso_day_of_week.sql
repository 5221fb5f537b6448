{#- ISO day of the week of a date: 1 = Monday ... 7 = Sunday. -#}
{% macro iso_day_of_week(date_expression) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'shopkpi')(date_expression)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(date_expression) -%}
    cast(extract(isodow from {{ date_expression }}) as integer)
{%- endmacro %}

{#- Spark's weekday(): 0 = Monday ... 6 = Sunday. -#}
{% macro spark__iso_day_of_week(date_expression) -%}
    (weekday({{ date_expression }}) + 1)
{%- endmacro %}
