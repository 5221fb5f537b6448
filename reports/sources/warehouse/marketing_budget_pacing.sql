-- Budget execution day by day (agg_budget_pacing_days): each budget line's spend, month-to-
-- date spend, budget, contingency reserve and spendable budget, and the shop's month-to-date
-- spend and budget repeated on every row of the day, with the mart's flags (into the
-- reserve, over budget beyond the alert share, should freeze). One row per day x channel
-- with a budget or spend that month.
select
    p.date_day,
    p.month_start_date,
    p.channel,
    c.channel_name_en,
    c.channel_name_zh,
    p.is_core_channel,
    p.spend_cny,
    p.month_to_date_spend_cny,
    p.budget_cny,
    p.contingency_reserve_cny,
    p.spendable_budget_cny,
    p.budget_used_share,
    p.expected_pace_share,
    p.projected_month_spend_cny,
    p.shop_month_to_date_spend_cny,
    p.shop_budget_cny,
    p.shop_budget_used_share,
    p.pacing_index,
    p.is_into_contingency_reserve,
    p.is_over_budget_beyond_alert_share,
    p.should_freeze
from marts.agg_budget_pacing_days as p
left join reference.channels as c
    on p.channel = c.channel
order by p.date_day, p.channel
