-- The cohort retention matrix (agg_cohort_retention) by first-order month, months since the
-- first order and acquisition channel, Gen-Z flags summed: cohort customers and those with a
-- paid order in the activity month. Only activity months that have ended; rates are
-- recomputed from the counts when a page pools channels. One row per cohort month, month
-- offset and channel.
select
    r.cohort_month,
    strftime(r.cohort_month, '%Y-%m') as cohort_label,
    r.months_since_first_order,
    r.acquisition_channel,
    coalesce(c.channel_name_en, l.name_en) as channel_name_en,
    coalesce(c.channel_name_zh, l.name_zh) as channel_name_zh,
    cast(sum(r.cohort_customers) as bigint) as cohort_customers,
    cast(sum(r.active_customers) as bigint) as active_customers
from marts.agg_cohort_retention as r
left join reference.channels as c
    on r.acquisition_channel = c.channel
left join reference.code_labels as l
    on l.label_kind = 'acquisition_channel' and r.acquisition_channel = l.code
where r.is_complete_month
group by all
order by r.cohort_month, r.months_since_first_order, r.acquisition_channel
