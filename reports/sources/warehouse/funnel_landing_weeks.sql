-- Bounce by landing page and week (Monday start), over all channels: human sessions, those
-- with a tracked event (the bounce denominator), bounced and slow-loading ones, from
-- marts.agg_landing_page_days, with the landing-page type named in both languages. Counts
-- are additive: a page's rate over several weeks is sum(bounced) / sum(with events).
-- One row per week and landing page with at least one human session.
with

weekly as (
    select
        d.week_start_date,
        l.landing_page,
        l.landing_page_type,
        sum(l.sessions) as sessions,
        sum(l.sessions_with_events) as sessions_with_events,
        sum(l.bounced_sessions) as bounced_sessions,
        sum(l.slow_load_sessions) as slow_load_sessions
    from marts.agg_landing_page_days as l
    inner join marts.dim_dates as d
        on l.date_day = d.date_day
    group by all
    having sum(l.sessions) > 0
)

select
    w.week_start_date,
    cast(w.week_start_date + interval 6 day as date) as week_end_date,
    w.landing_page,
    w.landing_page_type,
    t.name_en as landing_page_type_name_en,
    t.name_zh as landing_page_type_name_zh,
    t.display_order as landing_page_type_order,
    cast(w.sessions as bigint) as sessions,
    cast(w.sessions_with_events as bigint) as sessions_with_events,
    cast(w.bounced_sessions as bigint) as bounced_sessions,
    cast(w.slow_load_sessions as bigint) as slow_load_sessions
from weekly as w
left join reference.code_labels as t
    on t.label_kind = 'landing_page_type' and w.landing_page_type = t.code
order by w.week_start_date, w.landing_page
