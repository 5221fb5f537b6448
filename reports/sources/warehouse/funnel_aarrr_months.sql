-- The AARRR view by month (marts.agg_aarrr_months): acquisition (new visitors), activation
-- (new visitors paying within the first-purchase window, new customers), retention
-- (returning customers, last month's payers paying again), revenue (net revenue per paying
-- customer) and referral (referral sessions and new customers), with whether the month lies
-- wholly inside the data. One row per month.
select
    a.month_start_date,
    a.month_start_date >= f.data_start_date
    and last_day(a.month_start_date) <= f.data_end_date as is_complete_month,
    a.new_visitors,
    a.activated_visitors,
    a.new_customers,
    a.paying_customers,
    a.returning_customers,
    a.retained_from_previous_month,
    a.previous_month_paying_customers,
    a.paid_orders,
    a.net_revenue_cny,
    a.sessions,
    a.referral_sessions,
    a.referral_new_customers,
    a.activation_rate,
    a.returning_customer_share,
    a.month_over_month_retention_rate,
    a.net_revenue_per_paying_customer_cny,
    a.referral_session_share,
    a.referral_new_customer_share
from marts.agg_aarrr_months as a
cross join metrics.kpi_data_freshness as f
order by a.month_start_date
