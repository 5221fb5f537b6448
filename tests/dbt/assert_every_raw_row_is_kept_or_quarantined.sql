-- Nothing is dropped silently: for every contract table, raw rows = clean staging rows +
-- quarantined rows. Returns the tables where that does not hold.

with

{% for table in shop_tables() %}
    {{ table }}_counts as (
        select
            '{{ table }}' as source_table,
            (select count(*) from {{ source('shop', table) }}) as raw_rows,
            (select count(*) from {{ ref('stg_shop__' ~ table) }}) as kept_rows,
            (
                select count(*) from {{ ref('dq_quarantine') }} as quarantine
                where quarantine.source_table = '{{ table }}'
            ) as quarantined_rows
    ),
{% endfor %}

counts as (
    {% for table in shop_tables() %}
        select * from {{ table }}_counts
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select *
from counts
where raw_rows <> kept_rows + quarantined_rows
