{#- Parse a number delivered as text (a target, a benchmark): digits with an optional sign
    and decimal point, or the same followed by a percent sign (5.2% -> 0.052). Anything else
    (text, thousands separators, NaN, an exponent) -> null, for the quarantine. -#}
{% macro shop_number(column) -%}
    {{ return(adapter.dispatch('shop_number', 'shopkpi')(column)) }}
{%- endmacro %}

{% macro default__shop_number(column) -%}
    case
        when regexp_full_match(trim({{ column }}), '[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)')
            then cast(cast(trim({{ column }}) as decimal(38, 12)) as double)
        when regexp_full_match(trim({{ column }}), '[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)\s*%')
            then cast(
                cast(rtrim(rtrim(trim({{ column }}), '%')) as decimal(38, 12))
                * cast(0.01 as decimal(3, 2)) as double
            )
    end
{%- endmacro %}

{% macro spark__shop_number(column) -%}
    case
        when trim({{ column }}) rlike '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$'
            then cast(cast(trim({{ column }}) as decimal(38, 12)) as double)
        when trim({{ column }}) rlike '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)\\s*%$'
            then cast(
                cast(rtrim(rtrim(trim({{ column }}), '%')) as decimal(38, 12))
                * cast(0.01 as decimal(3, 2)) as double
            )
    end
{%- endmacro %}
