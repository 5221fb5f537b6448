-- One row per visitor with a human session: their first visit (time, day, month, channel),
-- their first visit that reached payment, and whether they paid within
-- var first_purchase_window_days of the first visit (first-purchase conversion 首購轉化率).
-- Bot sessions are left out: a visitor seen only by bots has no row. The customer the
-- visitor is stitched to (null when none or when the device is shared) and its first
-- logged-in visit come from int_visitors_stitched_to_customers.

with

sessions as (
    select * from {{ ref('int_human_sessions') }}
),

stitched_visitors as (
    select * from {{ ref('int_visitors_stitched_to_customers') }}
),

human_sessions as (
    select
        sessions.visitor_id,
        sessions.session_id,
        sessions.started_at,
        sessions.channel,
        sessions.reached_payment
    from sessions
),

ranked as (
    select
        human_sessions.*,
        row_number() over (
            partition by human_sessions.visitor_id
            order by human_sessions.started_at, human_sessions.session_id
        ) as visit_number
    from human_sessions
),

visitors as (
    select
        ranked.visitor_id,
        count(*) as sessions,
        min(case when ranked.visit_number = 1 then ranked.started_at end) as first_visit_at,
        min(case when ranked.visit_number = 1 then ranked.channel end) as first_channel,
        min(case when ranked.reached_payment then ranked.started_at end)
            as first_paid_visit_at
    from ranked
    group by ranked.visitor_id
),

final as (
    select
        visitors.visitor_id,
        visitors.first_visit_at,
        cast(visitors.first_visit_at as date) as first_visit_date,
        cast({{ dbt.date_trunc('month', 'visitors.first_visit_at') }} as date)
            as first_visit_month,
        visitors.first_channel,
        visitors.sessions,
        visitors.first_paid_visit_at,
        coalesce(
            visitors.first_paid_visit_at <= {{ dbt.dateadd(
                'day', var('first_purchase_window_days'), 'visitors.first_visit_at'
            ) }},
            false
        ) as is_first_purchase_within_window,
        stitched_visitors.customer_id,
        coalesce(stitched_visitors.is_shared, false) as is_shared_by_customers,
        stitched_visitors.first_logged_in_at
    from visitors
    left join stitched_visitors
        on visitors.visitor_id = stitched_visitors.visitor_id
)

select * from final
