{#- The contract's tables, in load order (parents before children). -#}
{% macro shop_tables() -%}
    {{ return([
        'customers', 'products', 'campaigns', 'orders', 'order_items', 'refunds',
        'sessions', 'events', 'ad_spend', 'marketing_budgets', 'reviews', 'inventory_snapshots',
    ]) }}
{%- endmacro %}
