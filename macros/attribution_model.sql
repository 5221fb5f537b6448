{#- True on the rows of the attribution model one-number pages show (var
    default_attribution_model): the one definition every per-model table's
    is_default_attribution_model and every default-model filter uses. -#}
{% macro is_default_attribution_model(model_column) -%}
    {{ model_column }} = '{{ var("default_attribution_model") }}'
{%- endmacro %}
