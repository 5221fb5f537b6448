-- One row per clean session that has at least one clean event: event counts by type, the
-- furthest funnel step reached, page-view and dwell figures, and the bot-like-timing signal.
-- fct_sessions joins it; the funnel marts read the same step definitions from it.

{{ summarise_session_events(ref('stg_shop__events')) }}
