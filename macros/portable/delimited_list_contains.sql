{#- True when `value` is one of the items of `list_text`, a text of items separated by
    `delimiter` (a one-character literal, e.g. '|'): 'orders|channel' holds 'channel'. -#}
{% macro delimited_list_contains(list_text, delimiter, value) -%}
    {{ return(adapter.dispatch('delimited_list_contains', 'shopkpi')(list_text, delimiter, value)) }}
{%- endmacro %}

{% macro default__delimited_list_contains(list_text, delimiter, value) -%}
    list_contains(string_split({{ list_text }}, '{{ delimiter }}'), {{ value }})
{%- endmacro %}

{#- Spark's split() takes a regular expression: the delimiter is quoted (\Q...\E). -#}
{% macro spark__delimited_list_contains(list_text, delimiter, value) -%}
    array_contains(split({{ list_text }}, '\\Q{{ delimiter }}\\E'), {{ value }})
{%- endmacro %}
