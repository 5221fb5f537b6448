{#- References without the database (catalog) part. dbt-duckdb names the catalog after the
    warehouse file, and a view stores the SQL it was created with: a three-part name would
    bind every staging and intermediate view to the file's first name, so a copied or
    renamed warehouse (and a build that publishes a new file by renaming it) would fail
    with 'Catalog "shopkpi" does not exist'. Two-part names resolve in whichever file holds
    the view. -#}
{% macro ref() -%}
    {%- set relation = builtins.ref(*varargs, **kwargs) -%}
    {%- if relation is not none and relation.include is defined -%}
        {%- do return(relation.include(database=false)) -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{% macro source() -%}
    {%- set relation = builtins.source(*varargs, **kwargs) -%}
    {%- if relation is not none and relation.include is defined -%}
        {%- do return(relation.include(database=false)) -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}
