{#- RFM quintile score 1-5 of a value among the rows of a window: 1 + floor(5 x the share of
    rows with a strictly worse value). Tied values get the same score, the lowest of their
    block (a tie never lifts anyone); distinct values split into exact quintiles; when every
    row has the same value, or there is one row, every score is 1. -#}
{% macro rfm_quintile_score(value, higher_is_better=true, partition_by=none) -%}
    {%- set partition_clause = 'partition by ' ~ partition_by if partition_by else '' -%}
    cast(
        1 + floor(
            5.0 * (
                rank() over (
                    {{ partition_clause }}
                    order by {{ value }} {{ 'asc' if higher_is_better else 'desc' }}
                ) - 1
            ) / count(*) over ({{ partition_clause }})
        ) as integer
    )
{%- endmacro %}
