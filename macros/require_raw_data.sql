{#- on-run-start: stop a build at once, in one line, when the warehouse has no raw data to
    build from. Raw data is loaded by `shopkpi load-raw` (or `shopkpi build`), never by dbt,
    so no dbt command can put the demo over a shop's own rows. -#}
{% macro require_raw_data() -%}
    {%- if execute and flags.WHICH in ('run', 'build', 'test', 'snapshot') -%}
        {%- set required = shop_required_tables() -%}
        {%- set found = raw_table_names() -%}
        {%- set missing = [] -%}
        {%- for table in shop_tables() if table not in found -%}
            {%- do missing.append(table) -%}
        {%- endfor -%}
        {%- set database = target.path if target.path is defined else target.database -%}
        {%- if missing -%}
            {{ exceptions.raise_compiler_error(
                "No raw data in " ~ database ~ " (missing raw." ~ missing | join(', raw.')
                ~ "). Load it first: `shopkpi load-raw --demo` (the demo shop) or"
                ~ " `shopkpi load-raw --dir <folder>` (your files), or run `make run`."
            ) }}
        {%- endif -%}
        {%- for table in required -%}
            {%- set rows = run_query('select count(*) from raw.' ~ table).columns[0].values()[0] -%}
            {%- if rows == 0 -%}
                {{ exceptions.raise_compiler_error(
                    "raw." ~ table ~ " in " ~ database ~ " is empty; it is a required table."
                    ~ " Load the shop's files with `shopkpi load-raw --dir <folder>`."
                ) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{#- The tables of schema raw (Spark has no information_schema). -#}
{% macro raw_table_names() -%}
    {{ return(adapter.dispatch('raw_table_names', 'shopkpi')()) }}
{%- endmacro %}

{% macro default__raw_table_names() -%}
    {{ return(run_query(
        "select table_name from information_schema.tables where table_schema = 'raw'"
    ).columns[0].values()) }}
{%- endmacro %}

{% macro spark__raw_table_names() -%}
    {{ return(run_query('show tables in raw').columns[1].values()) }}
{%- endmacro %}
