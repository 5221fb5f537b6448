{#- Models land in the schema their folder names (raw, staging, intermediate, marts, ...),
    not in "<target schema>_<custom schema>": analysts and the report site query stable names. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
