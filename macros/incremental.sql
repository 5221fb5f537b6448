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

{#- True for a raw timestamp or date text dated on or after window_start, with a day of
    slack (an offset may move a time across midnight in shop time). Compared as ISO text, so
    no row is parsed; text without an ISO date is not in the window: its rule
    (unparseable_timestamp) cannot change once checked, and it was checked when it arrived
    (raw_row_is_new). -#}
{% macro raw_dated_on_or_after(raw_column, window_start) -%}
    left(trim(cast({{ raw_column }} as {{ dbt.type_string() }})), 10)
    >= cast({{ window_start }} - 1 as {{ dbt.type_string() }})
{%- endmacro %}

{#- The raw rows an incremental run of a checked base table re-processes: the rows meeting
    any of `reasons` (SQL conditions over the raw columns, alias raw_rows: the late-arrival
    window, a parent key in its window, ...), and every other row of their keys, so that
    the duplicate rules rank a key's rows over all of them. Each reason is its own filtered
    scan (a plain filter or semi-join); the rows are then picked by key in one semi-join.
    In a full build: every row. -#}
{% macro late_window_rows(source_relation, key_columns, reasons) -%}
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
        {%- for reason in reasons %}
        select {{ row_key }}
        from {{ source_relation }} as raw_rows
        where {{ reason }}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
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

{#- True for a raw row the model's table holds as orphan_reference or parent_quarantined:
    its parent may have arrived (or been kept) since, so every run re-checks it. -#}
{% macro raw_row_awaits_parent() -%}
    exists (
        select 1
        from {{ this }} as loaded
        where
            loaded.dq_rule in ('orphan_reference', 'parent_quarantined')
            and loaded.dq_source_file = raw_rows._source_file
            and loaded.dq_source_line = raw_rows._source_line
    )
{%- endmacro %}

{#- True for a raw row whose customer registered in the late-arrival window: a row of that
    customer held as an orphan may now have its parent. -#}
{% macro raw_customer_registered_on_or_after(window_start) -%}
    {{ clean_text('raw_rows.customer_id') }} in (
        select {{ clean_text('window_customers.customer_id') }}
        from {{ source('shop', 'customers') }} as window_customers
        where {{ raw_dated_on_or_after('window_customers.registered_at', window_start) }}
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
