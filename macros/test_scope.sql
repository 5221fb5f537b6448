{#- The rows a data test reads (DECISIONLOG.md "Tests of a daily load"). With var test_scope
    'all' (the default: every full build, `make test-dbt`) a test reads its whole model. With
    'late_window' (set by `shopkpi build --incremental`) a test of a model whose meta names a
    test_window reads only the rows of the last late_arrival_days + 1 days: the rows the
    daily load re-processed and what arrived with it; older rows were tested when they were
    built and the daily load does not rewrite them.

    meta.test_window on a model:
      column: the model's date or timestamp column, e.g. occurred_at
    or, for a model without one, its rows whose key is in the window of another model:
      key: order_id
      in_model: stg_shop__orders
      column: ordered_at

    Overrides dbt's default__get_where_subquery; a test's own `where` config still applies. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set window = test_window_condition() -%}
    {%- if window -%}
        {%- do conditions.append(window) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{#- The SQL condition limiting the current test to the late-arrival window, or '' when the
    test reads every row (test_scope 'all', a model without meta.test_window, parsing). -#}
{% macro test_window_condition() -%}
    {%- set scope = var('test_scope', 'all') -%}
    {%- if scope not in ('all', 'late_window') -%}
        {{ exceptions.raise_compiler_error(
            "var test_scope must be 'all' or 'late_window', not '" ~ scope ~ "'") }}
    {%- endif -%}
    {%- if scope == 'all' or not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set tested = graph.nodes.get(model.attached_node) if model.attached_node else none -%}
    {%- set spec = tested.config.meta.get('test_window') if tested else none -%}
    {%- if not spec -%}
        {{ return('') }}
    {%- endif -%}
    {%- set dated = tested -%}
    {%- if spec.get('in_model') -%}
        {%- set dated = test_window_model(spec['in_model'], tested.unique_id) -%}
    {%- endif -%}
    {%- set dated_relation = adapter.get_relation(
        database=dated.database, schema=dated.schema, identifier=dated.alias
    ) -%}
    {%- if dated_relation is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set dated_relation = dated_relation.include(database=false) -%}
    {%- set query -%}
        select cast(
            cast(max({{ spec['column'] }}) as date)
            - {{ var('late_arrival_days') | int + 1 }} as {{ dbt.type_string() }}
        )
        from {{ dated_relation }}
    {%- endset -%}
    {%- set newest = run_query(query).columns[0].values()[0] -%}
    {%- if newest is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set in_window = 'cast(' ~ spec['column'] ~ ' as date) >= cast(\'' ~ newest ~ '\' as date)' -%}
    {%- if spec.get('in_model') -%}
        {{ return(spec['key'] ~ ' in (select ' ~ spec['key'] ~ ' from ' ~ dated_relation
            ~ ' where ' ~ in_window ~ ')') }}
    {%- endif -%}
    {{ return(in_window) }}
{%- endmacro %}

{#- The graph node of model `name` (meta.test_window.in_model of `for_node`). -#}
{% macro test_window_model(name, for_node) -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.name == name -%}
            {{ return(node) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error(
        for_node ~ ": meta.test_window.in_model names no model '" ~ name ~ "'") }}
{%- endmacro %}
