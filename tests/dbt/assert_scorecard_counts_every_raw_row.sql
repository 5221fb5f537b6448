-- The scorecard's totals are the raw table's rows and the rows staging kept, table by table:
-- rows_received = rows of the raw table, rows_kept = rows of its stg_shop__ model.

with

scorecard as (
    select * from {{ ref('dq_scorecard') }}
),

{% for table in shop_tables() %}
    {{ table }}_counts as (
        select
            '{{ table }}' as source_table,
            (select count(*) from {{ source('shop', table) }}) as raw_rows,
            (select count(*) from {{ ref('stg_shop__' ~ table) }}) as kept_rows
    ),
{% endfor %}

counts as (
    {% for table in shop_tables() %}
        select * from {{ table }}_counts
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

scorecard_totals as (
    select
        scorecard.source_table,
        scorecard.rows_received,
        scorecard.rows_kept
    from scorecard
)

select
    counts.source_table,
    counts.raw_rows,
    scorecard_totals.rows_received,
    counts.kept_rows,
    scorecard_totals.rows_kept
from counts
left join scorecard_totals
    on counts.source_table = scorecard_totals.source_table
where
    scorecard_totals.source_table is null
    or counts.raw_rows <> scorecard_totals.rows_received
    or counts.kept_rows <> scorecard_totals.rows_kept
