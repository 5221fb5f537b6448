{#- Every match of the regular expression `pattern` (the pattern's own text, not a SQL
    literal, e.g. '[\s-]+') in a text replaced by `replacement` (plain text). -#}
{% macro regexp_replace_all(text, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'shopkpi')(text, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(text, pattern, replacement) -%}
    regexp_replace(
        {{ text }}, '{{ pattern | replace("'", "''") }}', '{{ replacement | replace("'", "''") }}', 'g'
    )
{%- endmacro %}

{#- Spark replaces every match by default; its string literals read backslash escapes, so
    the pattern's backslashes are doubled. -#}
{% macro spark__regexp_replace_all(text, pattern, replacement) -%}
    regexp_replace(
        {{ text }},
        '{{ pattern | replace("\\", "\\\\") | replace("'", "\\'") }}',
        '{{ replacement | replace("\\", "\\\\") | replace("'", "\\'") }}'
    )
{%- endmacro %}
