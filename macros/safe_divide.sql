{#- Ratio that is null, not an error, when the denominator is zero or null; a double on
    every engine (double_divide). -#}
{% macro safe_divide(numerator, denominator) -%}
    {{ double_divide(numerator, 'nullif(' ~ denominator ~ ', 0)') }}
{%- endmacro %}
