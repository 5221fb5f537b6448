-- The RFM segments at the as-of date (snap_customer_rfm), best first: customers, their net
-- revenue to date and mean R / F / M, the segment's prescribed action in both languages,
-- and their predicted 12-month value (snap_customer_ltv_predicted: sum, mean probability
-- alive). One row per segment of the rfm_segments seed (segments without customers show 0).
with customers as (
    select
        r.segment_code,
        count(*) as customers,
        sum(r.monetary_cny) as net_revenue_cny,
        avg(r.recency_days) as mean_recency_days,
        avg(r.frequency) as mean_paid_orders,
        count(p.predicted_net_revenue_365d_cny) as predicted_customers,
        sum(p.predicted_net_revenue_365d_cny) as predicted_net_revenue_365d_cny,
        avg(p.probability_alive) as mean_probability_alive,
        max(r.as_of_date) as as_of_date
    from marts.snap_customer_rfm as r
    left join marts.snap_customer_ltv_predicted as p
        on r.customer_id = p.customer_id
    group by r.segment_code
),

final as (
    select
        s.segment_code,
        s.priority as segment_priority,
        s.segment_name_en,
        s.segment_name_zh,
        s.action_code,
        s.action_en,
        s.action_zh,
        coalesce(c.customers, 0) as customers,
        coalesce(c.customers, 0) / sum(coalesce(c.customers, 0)) over () as customer_share,
        coalesce(c.net_revenue_cny, 0) as net_revenue_cny,
        coalesce(c.net_revenue_cny, 0) / sum(coalesce(c.net_revenue_cny, 0)) over ()
            as net_revenue_share,
        c.mean_recency_days,
        c.mean_paid_orders,
        coalesce(c.predicted_customers, 0) as predicted_customers,
        c.predicted_net_revenue_365d_cny,
        c.predicted_net_revenue_365d_cny / nullif(c.predicted_customers, 0)
            as mean_predicted_net_revenue_365d_cny,
        c.mean_probability_alive,
        max(c.as_of_date) over () as as_of_date
    from reference.rfm_segments as s
    left join customers as c
        on s.segment_code = c.segment_code
)

select * from final
order by segment_priority
