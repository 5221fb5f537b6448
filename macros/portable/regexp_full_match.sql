{#- True when the whole text matches the regular expression `pattern`, given as the
    pattern's own text (not a SQL literal), e.g. '[0-9]{3}\*{4}'. -#}
{% macro regexp_full_match(text, pattern) -%}
    {{ return(adapter.dispatch('regexp_full_match', 'shopkpi')(text, pattern)) }}
{%- endmacro %}

{% macro default__regexp_full_match(text, pattern) -%}
    regexp_full_match({{ text }}, '{{ pattern | replace("'", "''") }}')
{%- endmacro %}

{#- Spark's rlike finds the pattern anywhere, and its string literals read backslash
    escapes: the pattern is anchored and its backslashes doubled. -#}
{% macro spark__regexp_full_match(text, pattern) -%}
    ({{ text }} rlike '^(?:{{ pattern | replace("\\", "\\\\") | replace("'", "\\'") }})$')
{%- endmacro %}
