-- Channels by month under every attribution model (agg_channel_months): spend, its share of
-- the month's spend against the channel's cap, budget, sessions, credited orders, new
-- customers, registrations, credited net revenue and gross margin, ROI and the mart's flags
-- (over cap, over budget, pause recommended), with the channel's and the model's names in
-- both languages. One row per month x channel x attribution model.
select
    m.month_start_date,
    m.channel,
    coalesce(c.channel_name_en, m.channel) as channel_name_en,
    coalesce(c.channel_name_zh, m.channel) as channel_name_zh,
    coalesce(c.is_paid, false) as is_paid,
    m.attribution_model,
    am.name_en as attribution_model_name_en,
    am.name_zh as attribution_model_name_zh,
    m.is_default_attribution_model,
    m.spend_cny,
    m.month_total_spend_cny,
    m.spend_share,
    m.cap_share,
    m.budget_cny,
    m.is_core_channel,
    m.budget_used_share,
    cast(m.sessions as bigint) as sessions,
    cast(m.attributed_orders as double) as attributed_orders,
    cast(m.attributed_new_customers as double) as attributed_new_customers,
    m.customer_acquisition_cost_cny,
    m.registered_users,
    m.cost_per_registered_user_cny,
    m.attributed_net_revenue_cny,
    m.attributed_gross_margin_cny,
    m.roi,
    m.is_over_cap,
    m.is_over_budget_beyond_alert_share,
    m.is_pause_recommended
from marts.agg_channel_months as m
left join reference.channels as c
    on m.channel = c.channel
left join reference.code_labels as am
    on am.label_kind = 'attribution_model' and m.attribution_model = am.code
order by m.month_start_date, m.channel, am.display_order
