-- The paid channels' new customers by cohort month under every attribution model
-- (agg_channel_ltv_cac): spend, credited new customers, and for each LTV window (30 / 90 /
-- 180 / 365 days) the credited customers whose window has elapsed and their net revenue, so
-- a page pools LTV : CAC over months from the sums. One row per month x paid channel x
-- attribution model.
select
    l.month_start_date,
    l.channel,
    c.channel_name_en,
    c.channel_name_zh,
    l.attribution_model,
    l.is_default_attribution_model,
    l.spend_cny,
    cast(l.attributed_new_customers as double) as attributed_new_customers,
    cast(l.new_customers_30d_elapsed as double) as new_customers_30d_elapsed,
    l.net_revenue_30d_cny,
    cast(l.new_customers_90d_elapsed as double) as new_customers_90d_elapsed,
    l.net_revenue_90d_cny,
    cast(l.new_customers_180d_elapsed as double) as new_customers_180d_elapsed,
    l.net_revenue_180d_cny,
    cast(l.new_customers_365d_elapsed as double) as new_customers_365d_elapsed,
    l.net_revenue_365d_cny
from marts.agg_channel_ltv_cac as l
inner join reference.channels as c
    on l.channel = c.channel
where c.is_paid
order by l.month_start_date, l.channel, l.attribution_model
