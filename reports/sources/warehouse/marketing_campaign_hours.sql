-- Campaigns hour by hour from warm-up to end (agg_campaign_hours, default attribution model):
-- the campaign's human sessions, those that reached payment, and the orders and net revenue
-- credited to it in the hour they were paid. One row per campaign x hour.
select
    campaign_id,
    phase,
    hour_starts_at,
    cast(campaign_sessions as bigint) as campaign_sessions,
    cast(campaign_paying_sessions as bigint) as campaign_paying_sessions,
    cast(campaign_attributed_orders as double) as campaign_attributed_orders,
    campaign_attributed_net_revenue_cny
from marts.agg_campaign_hours
order by campaign_id, hour_starts_at
