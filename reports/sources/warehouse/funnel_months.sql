-- The shopping funnel by month, channel and device: sessions reaching each step (bots
-- excluded, as in the mart). Step rates are recomputed from the counts when a page groups rows.
select
    cast(date_trunc('month', date_day) as date) as month_start_date,
    channel,
    device,
    cast(sum(sessions) as bigint) as sessions,
    cast(sum(product_view_sessions) as bigint) as product_view_sessions,
    cast(sum(add_to_cart_sessions) as bigint) as add_to_cart_sessions,
    cast(sum(checkout_sessions) as bigint) as checkout_sessions,
    cast(sum(payment_sessions) as bigint) as payment_sessions
from marts.agg_funnel_days
group by all
order by month_start_date, channel, device
