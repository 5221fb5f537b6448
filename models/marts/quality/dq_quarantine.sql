-- One row per raw row that staging quarantined: its table, key, the rule it broke, the file
-- and line it came from, and its raw values as JSON (personal data masked and hashed at load).

with

{% for table in shop_tables() %}
    {{ table }}_quarantined as (
        select
            '{{ table }}' as source_table,
            base_rows.dq_row_key as row_key,
            base_rows.dq_rule,
            base_rows.dq_source_file as source_file,
            base_rows.dq_source_line as source_line,
            base_rows.dq_raw_values as raw_values
        from {{ ref('base_shop__' ~ table) }} as base_rows
        where base_rows.dq_rule is not null
    ),
{% endfor %}

unioned as (
    {% for table in shop_tables() %}
        select * from {{ table }}_quarantined
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        -- The id numbers the rows of a table in file order (exact duplicate rows differ
        -- only by their position). Nulls sort last on every engine.
        {{ dbt.concat(["unioned.source_table", "'#'", dbt.cast(
            "row_number() over (partition by unioned.source_table"
            ~ " order by unioned.source_file nulls last, unioned.source_line nulls last,"
            ~ " unioned.row_key nulls last, unioned.dq_rule nulls last,"
            ~ " unioned.raw_values nulls last)",
            dbt.type_string()
        )]) }} as quarantined_row_id,
        unioned.source_table,
        unioned.row_key,
        unioned.dq_rule,
        unioned.source_file,
        unioned.source_line,
        unioned.raw_values
    from unioned
)

select * from final
