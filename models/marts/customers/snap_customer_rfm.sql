-- One row per customer with at least one paid order on or before the as-of date: recency,
-- frequency and monetary value, their quintile scores 1-5 among those customers, and the
-- segment (seed rfm_segments) with the action it gets.

with

orders as (
    select * from {{ ref('fct_orders') }}
),

as_of as (
    select * from {{ ref('int_customer_value_as_of') }}
),

score_segments as (
    select * from {{ ref('int_rfm_score_segments') }}
),

customer_totals as (
    select
        orders.customer_id,
        as_of.as_of_date,
        min(orders.paid_date) as first_paid_date,
        max(orders.paid_date) as last_paid_date,
        count(*) as frequency,
        sum(orders.net_revenue_cny) as monetary_cny
    from orders
    cross join as_of
    where
        orders.is_paid
        and orders.paid_date <= as_of.as_of_date
    group by
        orders.customer_id,
        as_of.as_of_date
),

measured as (
    select
        customer_totals.customer_id,
        customer_totals.as_of_date,
        customer_totals.first_paid_date,
        customer_totals.last_paid_date,
        {{ dbt.datediff('customer_totals.last_paid_date', 'customer_totals.as_of_date', 'day') }}
            as recency_days,
        customer_totals.frequency,
        cast(customer_totals.monetary_cny as decimal(18, 2)) as monetary_cny
    from customer_totals
),

scored as (
    select
        measured.*,
        {{ rfm_quintile_score('measured.recency_days', higher_is_better=false) }} as r_score,
        {{ rfm_quintile_score('measured.frequency') }} as f_score,
        {{ rfm_quintile_score('measured.monetary_cny') }} as m_score
    from measured
),

final as (
    select
        scored.customer_id,
        scored.as_of_date,
        scored.first_paid_date,
        scored.last_paid_date,
        scored.recency_days,
        scored.frequency,
        scored.monetary_cny,
        scored.r_score,
        scored.f_score,
        scored.m_score,
        score_segments.rfm_cell,
        score_segments.segment_code,
        score_segments.segment_priority,
        score_segments.segment_name_en,
        score_segments.segment_name_zh,
        score_segments.action_code,
        score_segments.action_en,
        score_segments.action_zh
    from scored
    left join score_segments
        on
            scored.r_score = score_segments.r_score
            and scored.f_score = score_segments.f_score
            and scored.m_score = score_segments.m_score
)

select * from final
