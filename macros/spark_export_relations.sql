{#- `dbt run-operation spark_export_relations --target spark --args '{schemas: [...], path:
    ...}'`: Spark writes every table and view of the schemas to <path>/<schema>/<name>/ as
    parquet, for `shopkpi spark compare` (make test-spark) to compare with the DuckDB build.
    Timestamps are written as microsecond instants, which DuckDB reads without loss. -#}
{% macro spark_export_relations(schemas, path) -%}
    {%- do run_query('set spark.sql.parquet.outputTimestampType = TIMESTAMP_MICROS') -%}
    {%- for schema in schemas -%}
        {%- set names = run_query('show tables in ' ~ schema).columns[1].values() -%}
        {%- for name in names -%}
            {%- do run_query(
                "insert overwrite directory '" ~ path ~ '/' ~ schema ~ '/' ~ name
                ~ "' using parquet select * from " ~ schema ~ '.' ~ name
            ) -%}
        {%- endfor -%}
        {{ log('exported ' ~ names | length ~ ' relations of ' ~ schema, info=true) }}
    {%- endfor -%}
{%- endmacro %}
