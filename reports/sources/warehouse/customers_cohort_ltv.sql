-- Cohort LTV curves (agg_cohort_ltv): for each first-order month, acquisition channel and
-- LTV window (30 / 90 / 180 / 365 days after the first order), the cohort's customers, those
-- whose window has elapsed and their summed net revenue and gross margin in it. LTV = net
-- revenue / elapsed customers, recomputed from the sums when a page pools cohorts or
-- channels. One row per cohort month, channel and window.
with windows as (
    select
        cohort_month,
        acquisition_channel,
        cohort_customers,
        30 as window_days,
        customers_30d_elapsed as elapsed_customers,
        net_revenue_30d_cny as net_revenue_cny,
        gross_margin_30d_cny as gross_margin_cny
    from marts.agg_cohort_ltv
    union all
    select
        cohort_month,
        acquisition_channel,
        cohort_customers,
        90,
        customers_90d_elapsed,
        net_revenue_90d_cny,
        gross_margin_90d_cny
    from marts.agg_cohort_ltv
    union all
    select
        cohort_month,
        acquisition_channel,
        cohort_customers,
        180,
        customers_180d_elapsed,
        net_revenue_180d_cny,
        gross_margin_180d_cny
    from marts.agg_cohort_ltv
    union all
    select
        cohort_month,
        acquisition_channel,
        cohort_customers,
        365,
        customers_365d_elapsed,
        net_revenue_365d_cny,
        gross_margin_365d_cny
    from marts.agg_cohort_ltv
)

select
    w.cohort_month,
    strftime(w.cohort_month, '%Y') || '-Q' || quarter(w.cohort_month) as cohort_quarter,
    w.acquisition_channel,
    coalesce(c.channel_name_en, l.name_en) as channel_name_en,
    coalesce(c.channel_name_zh, l.name_zh) as channel_name_zh,
    w.window_days,
    w.cohort_customers,
    w.elapsed_customers,
    coalesce(w.net_revenue_cny, 0) as net_revenue_cny,
    coalesce(w.gross_margin_cny, 0) as gross_margin_cny
from windows as w
left join reference.channels as c
    on w.acquisition_channel = c.channel
left join reference.code_labels as l
    on l.label_kind = 'acquisition_channel' and w.acquisition_channel = l.code
order by w.cohort_month, w.acquisition_channel, w.window_days
