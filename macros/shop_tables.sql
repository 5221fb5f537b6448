{#- Written from src/shopkpi/contract.py by `make contract`; do not edit by hand. -#}

{#- The raw contract's tables, parents before children (Table.parents), otherwise in
    contract order. -#}
{% macro shop_tables() -%}
    {{ return([
        'customers',
        'products',
        'orders',
        'order_items',
        'refunds',
        'campaigns',
        'sessions',
        'events',
        'ad_spend',
        'marketing_budgets',
        'reviews',
        'inventory_snapshots',
        'kpi_targets',
        'kpi_benchmarks',
    ]) }}
{%- endmacro %}

{#- The tables a shop must deliver with at least one row (Table.required). -#}
{% macro shop_required_tables() -%}
    {{ return([
        'customers',
        'products',
        'orders',
        'order_items',
    ]) }}
{%- endmacro %}
