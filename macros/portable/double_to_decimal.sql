{#- A double as a decimal(precision, scale), rounded as DuckDB rounds it: the double times
    10^scale (a double product), rounded half away from zero. Spark's own cast rounds the
    double's shortest decimal text half up instead (271.525 -> 271.53, where DuckDB's
    27152.499999999996 gives 271.52), so its spark__ spells DuckDB's steps out. For amounts
    (scale 2 to 4) well inside a double's 15 significant digits. -#}
{% macro double_to_decimal(value, precision, scale) -%}
    {{ return(adapter.dispatch('double_to_decimal', 'shopkpi')(value, precision, scale)) }}
{%- endmacro %}

{% macro default__double_to_decimal(value, precision, scale) -%}
    cast({{ value }} as decimal({{ precision }}, {{ scale }}))
{%- endmacro %}

{% macro spark__double_to_decimal(value, precision, scale) -%}
    {%- set factor = 10 ** scale -%}
    cast(
        round(cast({{ value }} as double) * {{ factor }}, 0) / {{ factor }}
        as decimal({{ precision }}, {{ scale }})
    )
{%- endmacro %}
