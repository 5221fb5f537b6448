{#- The non-null values of `expression` joined by `delimiter` (a SQL text literal) in the
    order of `order_by` (an ORDER BY list without the keywords); null when there is none. -#}
{% macro string_agg_ordered(expression, delimiter, order_by) -%}
    {{ return(adapter.dispatch('string_agg_ordered', 'shopkpi')(expression, delimiter, order_by)) }}
{%- endmacro %}

{% macro default__string_agg_ordered(expression, delimiter, order_by) -%}
    string_agg({{ expression }}, {{ delimiter }} order by {{ order_by }})
{%- endmacro %}

{% macro spark__string_agg_ordered(expression, delimiter, order_by) -%}
    string_agg({{ expression }}, {{ delimiter }}) within group (order by {{ order_by }})
{%- endmacro %}
