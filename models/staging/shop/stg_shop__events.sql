-- Clean events: the rows of base_shop__events that broke no data-quality rule.

with

checked as (
    select * from {{ ref('base_shop__events') }}
),

final as (
    select
        event_id,
        session_id,
        occurred_at,
        event_type,
        page,
        product_id,
        dwell_ms
    from checked
    where dq_rule is null
)

select * from final
