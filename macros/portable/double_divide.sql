{#- numerator / denominator in double precision on every engine. DuckDB divides decimals
    (and integers) as doubles; Spark keeps a decimal quotient of its own precision, so the
    numerator is cast to double first and both engines give the same bits. Null when the
    denominator is null; a zero denominator must be guarded (nullif) by the caller. -#}
{% macro double_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('double_divide', 'shopkpi')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__double_divide(numerator, denominator) -%}
    ({{ numerator }}) / ({{ denominator }})
{%- endmacro %}

{% macro spark__double_divide(numerator, denominator) -%}
    cast({{ numerator }} as double) / ({{ denominator }})
{%- endmacro %}
