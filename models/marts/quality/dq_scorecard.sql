-- One row per source table x data-quality rule: rows received, kept and quarantined for the
-- table, and how many rows broke this rule. Every rule appears for every table, with 0 when
-- nothing broke it, so the scorecard's shape does not depend on the data.

with

rules as (
    select * from {{ ref('dq_rules') }}
),

{% for table in shop_tables() %}
    {{ table }}_counts as (
        select
            '{{ table }}' as source_table,
            base_rows.dq_rule,
            count(*) as row_count
        from {{ ref('base_shop__' ~ table) }} as base_rows
        group by base_rows.dq_rule
    ),
{% endfor %}

counts as (
    {% for table in shop_tables() %}
        select * from {{ table }}_counts
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

table_totals as (
    select
        counts.source_table,
        sum(counts.row_count) as rows_received,
        sum(case when counts.dq_rule is null then counts.row_count else 0 end) as rows_kept
    from counts
    group by counts.source_table
),

tables as (
    {% for table in shop_tables() %}
        select
            '{{ table }}' as source_table,
            {{ loop.index }} as table_order
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        tables.source_table,
        rules.dq_rule,
        rules.priority as rule_priority,
        rules.description as rule_description,
        coalesce(table_totals.rows_received, 0) as rows_received,
        coalesce(table_totals.rows_kept, 0) as rows_kept,
        coalesce(table_totals.rows_received, 0) - coalesce(table_totals.rows_kept, 0)
            as rows_quarantined,
        coalesce(counts.row_count, 0) as rows_broken_rule,
        {{ safe_divide('coalesce(counts.row_count, 0)', 'table_totals.rows_received') }}
            as share_of_rows_received,
        {{ safe_divide('table_totals.rows_kept', 'table_totals.rows_received') }}
            as table_quality_score
    from tables
    cross join rules
    left join table_totals
        on tables.source_table = table_totals.source_table
    left join counts
        on
            tables.source_table = counts.source_table
            and rules.dq_rule = counts.dq_rule
)

select * from final
