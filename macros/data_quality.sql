{#- Staging's data-quality rules. Each base model lists the checks that apply to its table
    as (rule, condition) pairs; the row is quarantined under the first rule that holds, in
    the priority order of dq_rules_in_priority() (macros/dq_rules.sql, written from RULES in
    src/shopkpi/contract.py by `make contract`, like seeds/reference/dq_rules.csv). -#}

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

{#- Rows of one key in file order: the first row delivered is the one kept. Rows without a
    file position (unit-test fixtures) fall back to their raw values. -#}
{% macro dq_key_order(key_columns, relation_alias='typed') -%}
    partition by {{ key_columns | join(', ') }}
    order by
        {{ relation_alias }}.dq_source_file,
        {{ relation_alias }}.dq_source_line,
        {{ relation_alias }}.dq_raw_values
{%- endmacro %}

{#- The rows of `relation_alias` (a CTE of typed raw rows with dq_raw_values and the file
    position) with dq_key_rank, the row's rank within its key in file order (dq_key_order),
    and dq_first_raw_values, the raw values of its key's first row. Only the rows of keys
    delivered more than once go through the window: the others are rank 1 by a hash
    semi-join, so a big table is not sorted whole (at large the window over every event
    would not fit on the disk). The keys are compared as text (dq_row_key) to find the
    repeated ones; the window ranks them by the columns themselves. -#}
{% macro dq_ranked_by_key(key_columns, relation_alias='typed') -%}
    {%- set key_text = dq_row_key(key_columns) -%}
    with

    repeated_keys as (
        select {{ key_text }} as dq_key
        from {{ relation_alias }}
        group by {{ key_text }}
        having count(*) > 1
    )

    select
        {{ relation_alias }}.*,
        cast(1 as {{ dbt.type_bigint() }}) as dq_key_rank,
        {{ relation_alias }}.dq_raw_values as dq_first_raw_values
    from {{ relation_alias }}
    where {{ key_text }} not in (select repeated_keys.dq_key from repeated_keys)
    union all
    select
        {{ relation_alias }}.*,
        row_number() over ({{ dq_key_order(key_columns, relation_alias) }}) as dq_key_rank,
        first_value({{ relation_alias }}.dq_raw_values) over (
            {{ dq_key_order(key_columns, relation_alias) }}
        ) as dq_first_raw_values
    from {{ relation_alias }}
    where {{ key_text }} in (select repeated_keys.dq_key from repeated_keys)
{%- endmacro %}

{#- True for every row after the first of its key (rule conflicting_duplicate: checked after
    duplicate_key, so it catches the later rows whose values differ from the first). Reads
    the rank dq_ranked_by_key gave the rows of `relation_alias`. -#}
{% macro dq_is_later_row(relation_alias='typed') -%}
    ({{ relation_alias }}.dq_key_rank > 1)
{%- endmacro %}

{#- True for a later row of its key that repeats the first row's values exactly. -#}
{% macro dq_is_duplicate(relation_alias='typed') -%}
    ({{ dq_is_later_row(relation_alias) }}
    and {{ relation_alias }}.dq_raw_values = {{ relation_alias }}.dq_first_raw_values)
{%- endmacro %}

{#- The hint that a CTE read by several others is computed where it is read (DuckDB: `not
    materialized`; `materialize=true`: computed once) rather than as the engine chooses. A
    base's typed rows are read three times by dq_ranked_by_key; materialised they would be
    the whole table in memory (19.5 GB at medium), recomputed each reader keeps only the
    columns it needs. Other engines: no hint. -#}
{% macro cte_hint(materialize=false) -%}
    {{ return(adapter.dispatch('cte_hint', 'shopkpi')(materialize)) }}
{%- endmacro %}

{% macro default__cte_hint(materialize) -%}
{%- endmacro %}

{% macro duckdb__cte_hint(materialize) -%}
    {{ 'materialized' if materialize else 'not materialized' }}
{%- endmacro %}

{#- True when an amount or quantity exceeds its plausibility bound (vars
    plausible_max_amount_cny, plausible_max_quantity). -#}
{% macro dq_is_implausible(amount_columns, quantity_columns=[]) -%}
    {%- set checks = [] -%}
    {%- for column in amount_columns -%}
        {%- do checks.append(column ~ ' > ' ~ var('plausible_max_amount_cny')) -%}
    {%- endfor -%}
    {%- for column in quantity_columns -%}
        {%- do checks.append(column ~ ' > ' ~ var('plausible_max_quantity')) -%}
    {%- endfor -%}
    ({{ checks | join(' or ') }})
{%- endmacro %}

{#- Keys of a checked parent table, with whether any row of that key was kept. Child tables
    left-join this: no match -> orphan_reference; matched but not kept -> parent_quarantined.
    `within` (a query returning key values) limits it to the keys an incremental run needs. -#}
{% macro dq_parent_keys(relation, key_column, within=none) -%}
    select
        {{ key_column }},
        max(case when dq_rule is null then 1 else 0 end) = 1 as is_kept
    from {{ relation }}
    where {{ key_column }} is not null
    {%- if within %}
        and {{ key_column }} in ({{ within }})
    {%- endif %}
    group by {{ key_column }}
{%- endmacro %}

{#- The raw row's values, compared by the duplicate rules: every column as delivered
    (personal ones already masked, and their hashes), without the row's file and line, so two
    deliveries of the same row have the same raw values. On DuckDB a struct (comparing and
    sorting a struct is cheaper than writing every row as JSON text: the JSON is written for
    the quarantined rows only, raw_values_text); elsewhere the JSON text itself. -#}
{% macro raw_row_values(relation_alias) -%}
    {{ return(adapter.dispatch('raw_row_values', 'shopkpi')(relation_alias)) }}
{%- endmacro %}

{% macro default__raw_row_values(relation_alias) -%}
    {{ raw_row_json(relation_alias) }}
{%- endmacro %}

{% macro duckdb__raw_row_values(relation_alias) -%}
    struct_pack(*columns({{ relation_alias }}.* exclude (_source_file, _source_line)))
{%- endmacro %}

{#- The quarantine's "raw values" text of raw_row_values: the row as JSON. -#}
{% macro raw_values_text(raw_values) -%}
    {{ return(adapter.dispatch('raw_values_text', 'shopkpi')(raw_values)) }}
{%- endmacro %}

{% macro default__raw_values_text(raw_values) -%}
    {{ raw_values }}
{%- endmacro %}

{% macro duckdb__raw_values_text(raw_values) -%}
    cast(to_json({{ raw_values }}) as {{ dbt.type_string() }})
{%- endmacro %}

{#- The raw row as JSON text, without the row's file and line. -#}
{% macro raw_row_json(relation_alias) -%}
    {{ return(adapter.dispatch('raw_row_json', 'shopkpi')(relation_alias)) }}
{%- endmacro %}

{% macro default__raw_row_json(relation_alias) -%}
    cast(json_merge_patch(
        to_json({{ relation_alias }}), '{"_source_file": null, "_source_line": null}'
    ) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro spark__raw_row_json(relation_alias) -%}
    regexp_replace(
        to_json(struct({{ relation_alias }}.*)), ',?"_source_(file|line)":[^,}]*', ''
    )
{%- endmacro %}

{#- Where a raw row came from, for the quarantine. -#}
{% macro dq_source_position(relation_alias) -%}
    {{ relation_alias }}._source_file as dq_source_file,
    {{ relation_alias }}._source_line as dq_source_line
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
