-- The as-of month's row of the monthly RFM snapshot is the as-of RFM: the same customers,
-- measures, scores and segment (the two models score the same window the same way).

with

rfm as (
    select * from {{ ref('snap_customer_rfm') }}
),

rfm_months as (
    select * from {{ ref('snap_customer_rfm_months') }}
),

latest_month as (
    select rfm_months.*
    from rfm_months
    inner join rfm
        on rfm_months.snapshot_date = rfm.as_of_date
    where rfm_months.customer_id = rfm.customer_id
)

select
    coalesce(rfm.customer_id, latest_month.customer_id) as customer_id,
    rfm.segment_code,
    latest_month.segment_code as snapshot_segment_code
from rfm
full outer join latest_month
    on rfm.customer_id = latest_month.customer_id
where
    rfm.customer_id is null
    or latest_month.customer_id is null
    or rfm.recency_days != latest_month.recency_days
    or rfm.frequency != latest_month.frequency
    or rfm.monetary_cny != latest_month.monetary_cny
    or rfm.r_score != latest_month.r_score
    or rfm.f_score != latest_month.f_score
    or rfm.m_score != latest_month.m_score
    or rfm.segment_code != latest_month.segment_code
