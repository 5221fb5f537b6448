-- The funnel starts from the same human sessions as the traffic report: every day, the
-- sessions of agg_funnel_days add up to the sessions of agg_traffic_days.

with

traffic_days as (
    select * from {{ ref('agg_traffic_days') }}
),

funnel as (
    select * from {{ ref('agg_funnel_days') }}
),

funnel_days as (
    select
        funnel.date_day,
        sum(funnel.sessions) as sessions
    from funnel
    group by funnel.date_day
)

select
    coalesce(traffic_days.date_day, funnel_days.date_day) as date_day,
    traffic_days.sessions as traffic_sessions,
    funnel_days.sessions as funnel_sessions
from traffic_days
full outer join funnel_days
    on traffic_days.date_day = funnel_days.date_day
where coalesce(traffic_days.sessions, 0) <> coalesce(funnel_days.sessions, 0)
