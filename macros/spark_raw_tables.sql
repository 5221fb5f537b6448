{#- on-run-start on the spark target: register the raw parquet that `shopkpi spark build`
    exported (one folder per contract table, <spark dir>/raw/<table>/) as the Spark tables
    raw.<table>, so that the dbt sources resolve on Spark as they do in DuckDB. Re-registered
    on every run: a new export may change a table's columns. Nothing to do on DuckDB, where
    `shopkpi load-raw` writes schema raw itself. -#}
{% macro spark_raw_tables() -%}
    {{ return(adapter.dispatch('spark_raw_tables', 'shopkpi')()) }}
{%- endmacro %}

{% macro default__spark_raw_tables() -%}
    select 1
{%- endmacro %}

{% macro spark__spark_raw_tables() -%}
    {%- if execute and flags.WHICH in ('run', 'build', 'test', 'compile', 'show') -%}
        {%- set folder = env_var('SHOPKPI_SPARK_DIR', 'build/spark') ~ '/raw' -%}
        {%- do run_query('create database if not exists raw') -%}
        {%- for table in shop_tables() -%}
            {%- do run_query('drop table if exists raw.' ~ table) -%}
            {%- do run_query(
                'create table raw.' ~ table ~ " using parquet location '"
                ~ folder ~ '/' ~ table ~ "'"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}
