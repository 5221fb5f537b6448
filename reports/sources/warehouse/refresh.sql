-- How fresh the warehouse is, one row: the data's first and last shop days and when the
-- build ran. Every page states its date range and refresh time from it.
select
    data_start_date,
    data_end_date,
    provisional_days,
    last_paid_at,
    last_session_started_at,
    refreshed_at,
    strftime(refreshed_at, '%Y-%m-%d %H:%M UTC') as refreshed_at_text
from metrics.kpi_data_freshness
