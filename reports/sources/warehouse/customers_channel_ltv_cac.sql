-- LTV : CAC by channel and month (agg_channel_ltv_cac, default attribution model): spend,
-- credited new customers, and per LTV window the credited customers whose window has
-- elapsed and their net revenue. Pool over months as the mart says: LTV = sum net revenue /
-- sum elapsed customers, CAC = sum spend / sum new customers. One row per month and channel.
select
    a.month_start_date,
    a.channel,
    coalesce(c.channel_name_en, l.name_en) as channel_name_en,
    coalesce(c.channel_name_zh, l.name_zh) as channel_name_zh,
    coalesce(c.is_paid, false) as is_paid,
    a.spend_cny,
    a.attributed_new_customers,
    a.new_customers_30d_elapsed,
    coalesce(a.net_revenue_30d_cny, 0) as net_revenue_30d_cny,
    a.new_customers_90d_elapsed,
    coalesce(a.net_revenue_90d_cny, 0) as net_revenue_90d_cny,
    a.new_customers_180d_elapsed,
    coalesce(a.net_revenue_180d_cny, 0) as net_revenue_180d_cny,
    a.new_customers_365d_elapsed,
    coalesce(a.net_revenue_365d_cny, 0) as net_revenue_365d_cny
from marts.agg_channel_ltv_cac as a
left join reference.channels as c
    on a.channel = c.channel
left join reference.code_labels as l
    on l.label_kind = 'acquisition_channel' and a.channel = l.code
where a.is_default_attribution_model
order by a.month_start_date, a.channel
