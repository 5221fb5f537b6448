-- Clean sessions: the rows of base_shop__sessions that broke no data-quality rule.

with

checked as (
    select * from {{ ref('base_shop__sessions') }}
),

final as (
    select
        session_id,
        visitor_id,
        customer_id,
        started_at,
        channel,
        traffic_source,
        traffic_medium,
        campaign_id,
        device,
        landing_page,
        page_load_ms,
        is_bot_flagged
    from checked
    where dq_rule is null
)

select * from final
