{#- One row per session with at least one event among `events` (a relation or a
    parenthesised query with stg_shop__events' columns): event counts by type, the furthest
    funnel step reached, page-view and dwell figures and the span of its events. The one
    definition behind int_sessions_summarised_from_events; fct_sessions' incremental run
    applies it to the events of the sessions it re-computes only (DuckDB does not push that
    semi-join below the view's aggregate: at medium 22 s against 5 s). -#}
{% macro summarise_session_events(events) -%}
with

events as (
    select * from {{ events }}
),

events_ranked as (
    select
        events.*,
        case events.event_type
            when 'product_view' then 2
            when 'add_to_cart' then 3
            when 'checkout' then 4
            when 'payment' then 5
            else 1
        end as funnel_step_rank
    from events
),

summarised as (
    select
        events_ranked.session_id,
        count(*) as event_count,
        sum(case when events_ranked.event_type = 'impression' then 1 else 0 end)
            as impression_events,
        sum(case when events_ranked.event_type = 'click' then 1 else 0 end) as click_events,
        sum(case when events_ranked.event_type = 'page_view' then 1 else 0 end)
            as page_view_events,
        sum(case when events_ranked.event_type = 'product_view' then 1 else 0 end)
            as product_view_events,
        sum(case when events_ranked.event_type = 'add_to_cart' then 1 else 0 end)
            as add_to_cart_events,
        sum(case when events_ranked.event_type = 'checkout' then 1 else 0 end) as checkout_events,
        sum(case when events_ranked.event_type = 'payment' then 1 else 0 end) as payment_events,
        sum(
            case
                when events_ranked.event_type = 'page_view' and events_ranked.page = '/'
                    then 1
                else 0
            end
        ) as homepage_views,
        sum(
            case
                when events_ranked.event_type = 'page_view' and events_ranked.page = '/'
                    then coalesce(events_ranked.dwell_ms, 0)
                else 0
            end
        ) as homepage_dwell_ms,
        max(events_ranked.funnel_step_rank) as furthest_funnel_step_rank,
        min(events_ranked.occurred_at) as first_event_at,
        max(events_ranked.occurred_at) as last_event_at
    from events_ranked
    group by events_ranked.session_id
),

final as (
    select
        summarised.*,
        summarised.page_view_events + summarised.product_view_events as pages_viewed,
        {{ dbt.datediff('summarised.first_event_at', 'summarised.last_event_at', 'second') }}
            as event_span_seconds,
        case summarised.furthest_funnel_step_rank
            when 5 then 'payment'
            when 4 then 'checkout'
            when 3 then 'add_to_cart'
            when 2 then 'product_view'
            else 'landing'
        end as furthest_funnel_step
    from summarised
)

select * from final
{%- endmacro %}
