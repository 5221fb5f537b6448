{#- One field of a JSON text as text, by a JSONPath such as '$.phone'; null when absent or
    JSON null. -#}
{% macro json_text_field(json_text, path) -%}
    {{ return(adapter.dispatch('json_text_field', 'shopkpi')(json_text, path)) }}
{%- endmacro %}

{% macro default__json_text_field(json_text, path) -%}
    json_extract_string({{ json_text }}, '{{ path }}')
{%- endmacro %}

{% macro spark__json_text_field(json_text, path) -%}
    get_json_object({{ json_text }}, '{{ path }}')
{%- endmacro %}
