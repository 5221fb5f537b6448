{#- On Spark a view is built as a table. Spark inlines a view into every query that reads
    it, so the project's chains of views (staging, intermediate, the KPI layer's int_kpi_*
    building blocks) grow into query plans the driver cannot hold: kpi_values over its
    views failed with java.lang.OutOfMemoryError after five minutes of planning with a
    2 GB driver. DuckDB keeps its views. -#}
{% materialization view, adapter='spark' %}
    {{ return(materialization_table_spark()) }}
{% endmaterialization %}
