{#- Staging's data-quality rules. Each base model lists the checks that apply to its table
    as (rule, condition) pairs; the row is quarantined under the first rule that holds, in
    the priority order below (the same order as seeds/reference/dq_rules.csv). -#}

{% macro dq_rules_in_priority() -%}
    {{ return([
        'missing_key',
        'duplicate_key',
        'unparseable_timestamp',
        'future_timestamp',
        'negative_amount',
        'invalid_value',
        'unknown_channel',
        'orphan_reference',
        'parent_quarantined',
    ]) }}
{%- endmacro %}

{#- CASE expression returning the first broken rule, or null for a clean row. -#}
{% macro dq_first_broken_rule(checks) -%}
    {%- set order = dq_rules_in_priority() -%}
    {%- for check in checks -%}
        {%- if check[0] not in order -%}
            {{ exceptions.raise_compiler_error("Unknown data-quality rule '" ~ check[0] ~ "'") }}
        {%- endif -%}
    {%- endfor -%}
    case
    {%- for rule in order %}
        {%- for check in checks if check[0] == rule %}
        when {{ check[1] }} then '{{ rule }}'
        {%- endfor %}
    {%- endfor %}
    end
{%- endmacro %}

{#- True for every row after the first of a key, first meaning the smallest raw row text. -#}
{% macro dq_is_duplicate(key_columns, raw_values_column) -%}
    (row_number() over (
        partition by {{ key_columns | join(', ') }}
        order by {{ raw_values_column }}
    ) > 1)
{%- endmacro %}

{#- Keys of a checked parent table, with whether any row of that key was kept. Child tables
    left-join this: no match -> orphan_reference; matched but not kept -> parent_quarantined. -#}
{% macro dq_parent_keys(relation, key_column) -%}
    select
        {{ key_column }},
        max(case when dq_rule is null then 1 else 0 end) = 1 as is_kept
    from {{ relation }}
    where {{ key_column }} is not null
    group by {{ key_column }}
{%- endmacro %}

{#- The raw row as JSON text, for the quarantine's "raw values". -#}
{% macro row_to_json(relation_alias) -%}
    {{ return(adapter.dispatch('row_to_json', 'shopkpi')(relation_alias)) }}
{%- endmacro %}

{% macro default__row_to_json(relation_alias) -%}
    cast(to_json({{ relation_alias }}) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro spark__row_to_json(relation_alias) -%}
    to_json(struct({{ relation_alias }}.*))
{%- endmacro %}

{#- Text key of a row for the quarantine: key values joined with '|', empty ones as ''. -#}
{% macro dq_row_key(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')") -%}
        {%- if not loop.last -%}{%- do parts.append("'|'") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}

{#- Empty text -> null, surrounding blanks removed. -#}
{% macro clean_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}
