-- One row per source table 數據質量評分卡: rows received, kept and quarantined, the share
-- quarantined and the table's quality score. Every contract table has a row, with 0 rows
-- when it was not loaded, so the scorecard's shape does not depend on the data. Every count
-- is the table's own: summing a column over the rows gives the warehouse's total. The rows
-- quarantined under each rule are in dq_rule_counts.

with

{% for table in shop_tables() %}
    {{ table }}_totals as (
        select
            '{{ table }}' as source_table,
            {{ loop.index }} as table_order,
            count(*) as rows_received,
            count(case when base_rows.dq_rule is null then 1 end) as rows_kept
        from {{ ref('base_shop__' ~ table) }} as base_rows
    ),
{% endfor %}

totals as (
    {% for table in shop_tables() %}
        select * from {{ table }}_totals
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        totals.source_table,
        totals.table_order,
        totals.rows_received,
        totals.rows_kept,
        totals.rows_received - totals.rows_kept as rows_quarantined,
        {{ safe_divide('totals.rows_received - totals.rows_kept', 'totals.rows_received') }}
            as quarantined_share,
        {{ safe_divide('totals.rows_kept', 'totals.rows_received') }} as table_quality_score
    from totals
)

select * from final
