{#- Incremental daily loads (DECISIONLOG.md "Incremental daily loads"). A model that loads
    incrementally re-processes the late-arrival window: its rows dated on or after the newest
    date already in the table minus var late_arrival_days, plus what its rules need beside
    them (every row of the same key, the rows of a parent key in the window). A build with
    --full-refresh, or into a new warehouse file (`shopkpi build`), computes every row. -#}

{#- The materialization of an incrementally loaded model: 'incremental' on DuckDB, a plain
    'table' on an engine whose delete+insert the project has not been checked on. -#}
{% macro incremental_materialization() -%}
    {{ return(adapter.dispatch('incremental_materialization', 'shopkpi')()) }}
{%- endmacro %}

{% macro default__incremental_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{% macro duckdb__incremental_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{#- The strategy: delete the table's rows whose unique key is among the re-processed rows,
    then insert the re-processed rows (dbt-duckdb's delete+insert). -#}
{% macro incremental_strategy() -%}
    {{ return(adapter.dispatch('incremental_strategy', 'shopkpi')()) }}
{%- endmacro %}

{% macro default__incremental_strategy() -%}
    {{ return(none) }}
{%- endmacro %}

{% macro duckdb__incremental_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{#- True while the model runs incrementally (its table exists, no --full-refresh, and the
    model is materialized incremental on this engine; never in a unit test). -#}
{% macro loads_incrementally() -%}
    {%- if this is none or model.config.materialized != 'incremental' -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(is_incremental()) }}
{%- endmacro %}

{#- First shop date of the late-arrival window, as a SQL date: the newest value of
    date_expression among the rows of `from_sql` (default: the model's own table, clean rows)
    minus var late_arrival_days. An empty table re-processes everything. Outside an
    incremental run it is never used; it then returns the earliest date. -#}
{% macro late_window_start(date_expression, from_sql=none, where='dq_rule is null') -%}
    {%- set earliest = "cast('1900-01-01' as date)" -%}
    {%- if not execute or not loads_incrementally() -%}
        {{ return(earliest) }}
    {%- endif -%}
    {%- set query -%}
        select cast(
            cast(max({{ date_expression }}) as date)
            - {{ var('late_arrival_days') | int }} as {{ dbt.type_string() }}
        )
        from {{ from_sql if from_sql else this }}
        {% if where %}where {{ where }}{% endif %}
    {%- endset -%}
    {%- set newest = run_query(query).columns[0].values()[0] -%}
    {%- if newest is none -%}
        {{ return(earliest) }}
    {%- endif -%}
    {{ return("cast('" ~ newest ~ "' as date)") }}
{%- endmacro %}

{#- True for a loaded row (alias `loaded`, the model's own table) whose typed shop date is on
    or after the day before window_start: the late-arrival window with a day of slack. A
    row whose time did not parse has no date and is not in the window: its rule
    (unparseable_timestamp) cannot change once checked, and it was checked when it arrived
    (raw_row_is_new). A row dated in the future is inside the window. -#}
{% macro loaded_dated_on_or_after(column, window_start) -%}
    cast({{ column }} as date) >= {{ window_start }} - 1
{%- endmacro %}

{#- True for a loaded row held as orphan_reference or parent_quarantined: its parent may
    have arrived (or been kept) since, so every run re-checks it. -#}
{% macro loaded_row_awaits_parent() -%}
    loaded.dq_rule in ('orphan_reference', 'parent_quarantined')
{%- endmacro %}

{#- True for a loaded row whose parent key (`column`) has a row in the parent's base table
    (`parent`, already updated in the same run) dated in the late-arrival window or with
    no date (a parent row whose time did not parse is quarantined, and its children with
    it): a parent arriving late, or changing its rule, re-checks its children. -#}
{% macro loaded_parent_in_window(column, parent, parent_key, parent_date, window_start) -%}
    loaded.{{ column }} in (
        select window_parents.{{ parent_key }}
        from {{ parent }} as window_parents
        where
            {{ loaded_dated_on_or_after('window_parents.' ~ parent_date, window_start) }}
            or window_parents.{{ parent_date }} is null
    )
{%- endmacro %}

{#- The raw rows an incremental run of a checked base table re-processes: the raw rows it
    does not hold yet (raw_row_is_new), the rows it holds meeting any of `loaded_reasons`
    (conditions over its own table, alias `loaded`: dated in the late-arrival window,
    awaiting a parent, a parent in the window), and every other raw row of their keys, so
    that the duplicate rules rank a key's rows over all of them. The reasons read the
    model's own typed table, not the raw text: each is one cheap filtered scan of it, and
    the loaded rows they pick are found in the raw table by their position (file, line).
    The keys are then matched in one semi-join over the raw table. In a full build: every
    row. -#}
{% macro late_window_rows(source_relation, key_columns, loaded_reasons) -%}
    {%- set key_parts = [] -%}
    {%- for column in key_columns -%}
        {%- do key_parts.append(
            "coalesce(" ~ clean_text("cast(raw_rows." ~ column ~ " as " ~ dbt.type_string() ~ ")")
            ~ ", '')"
        ) -%}
    {%- endfor -%}
    {%- set row_key = key_parts | join(" || '|' || ") -%}
    select raw_rows.*
    from {{ source_relation }} as raw_rows
    {%- if loads_incrementally() %}
    where {{ row_key }} in (
        select {{ row_key }}
        from {{ source_relation }} as raw_rows
        where {{ raw_row_is_new() }}
        union all
        select {{ row_key }}
        from {{ source_relation }} as raw_rows
        where (raw_rows._source_file, raw_rows._source_line) in (
            {%- for reason in loaded_reasons %}
            select loaded.dq_source_file, loaded.dq_source_line
            from {{ this }} as loaded
            where {{ reason }}
            {%- if not loop.last %}
            union all
            {%- endif %}
            {%- endfor %}
        )
    )
    {%- endif %}
{%- endmacro %}

{#- True for a raw row the model's table does not hold yet: from a file it has not loaded,
    or past the last line it loaded from that file (a file that grows by appending). -#}
{% macro raw_row_is_new() -%}
    coalesce(
        raw_rows._source_line > (
            select max(loaded.dq_source_line)
            from {{ this }} as loaded
            where loaded.dq_source_file = raw_rows._source_file
        ),
        true
    )
{%- endmacro %}

{#- Orders whose facts an incremental run re-computes: placed or paid in the late-arrival
    window, refunded in it, or not held by the model's table yet (e.g. an order whose
    customer arrived late). The model names stg_shop__orders and stg_shop__refunds in a
    depends_on comment. -#}
{% macro orders_changed_since(window_start) -%}
    select changed.order_id
    from {{ ref('stg_shop__orders') }} as changed
    where
        cast(changed.ordered_at as date) >= {{ window_start }}
        or cast(changed.paid_at as date) >= {{ window_start }}
        or changed.order_id not in (select loaded.order_id from {{ this }} as loaded)
    union
    select refunded.order_id
    from {{ ref('stg_shop__refunds') }} as refunded
    where cast(refunded.refunded_at as date) >= {{ window_start }} - 1
{%- endmacro %}
