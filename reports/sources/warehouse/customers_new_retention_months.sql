-- New customers' 7-day retention (agg_new_customer_retention) by first-order month and
-- acquisition channel, Gen-Z flags summed: new customers whose 7-day window has elapsed and
-- how many of them were active again on days 1..7. The rate is recomputed from the counts
-- when a page pools months (half-years) or channels. One row per month and channel.
select
    r.cohort_month as month_start_date,
    year(r.cohort_month) || case when month(r.cohort_month) <= 6 then '-H1' else '-H2' end
        as half_year,
    r.acquisition_channel,
    coalesce(c.channel_name_en, l.name_en) as channel_name_en,
    coalesce(c.channel_name_zh, l.name_zh) as channel_name_zh,
    cast(sum(r.new_customers) as bigint) as new_customers,
    cast(sum(r.new_customers) filter (where r.is_window_elapsed) as bigint) as elapsed_new_customers,
    cast(coalesce(sum(r.retained_customers) filter (where r.is_window_elapsed), 0) as bigint)
        as retained_customers
from marts.agg_new_customer_retention as r
left join reference.channels as c
    on r.acquisition_channel = c.channel
left join reference.code_labels as l
    on l.label_kind = 'acquisition_channel' and r.acquisition_channel = l.code
group by all
order by month_start_date, r.acquisition_channel
