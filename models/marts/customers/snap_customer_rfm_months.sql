-- One row per customer per month, from the month of their first paid order to the as-of
-- month: RFM measured at the month's end (at the as-of date in the as-of month), scored
-- among the customers who had paid by then, with the segment and last month's segment, so
-- moves between segments can be counted.

with

customer_months as (
    select * from {{ ref('int_customer_months') }}
),

value_months as (
    select * from {{ ref('int_customer_value_months') }}
),

score_segments as (
    select * from {{ ref('int_rfm_score_segments') }}
),

months as (
    select
        value_months.month_start_date,
        value_months.observed_until_date as snapshot_date,
        value_months.is_complete_month
    from value_months
),

customer_months_paid as (
    select
        customer_months.customer_id,
        customer_months.month_start_date,
        customer_months.paid_orders as paid_orders_in_month,
        customer_months.net_revenue_cny as net_revenue_in_month_cny,
        customer_months.last_paid_date as last_paid_date_in_month
    from customer_months
    where customer_months.paid_orders > 0
),

first_months as (
    select
        customer_months_paid.customer_id,
        min(customer_months_paid.month_start_date) as first_paid_month
    from customer_months_paid
    group by customer_months_paid.customer_id
),

customer_month_grid as (
    select
        first_months.customer_id,
        first_months.first_paid_month,
        months.month_start_date,
        months.snapshot_date,
        months.is_complete_month,
        coalesce(customer_months_paid.paid_orders_in_month, 0) as paid_orders_in_month,
        coalesce(customer_months_paid.net_revenue_in_month_cny, 0) as net_revenue_in_month_cny,
        customer_months_paid.last_paid_date_in_month
    from first_months
    inner join months
        on first_months.first_paid_month <= months.month_start_date
    left join customer_months_paid
        on
            first_months.customer_id = customer_months_paid.customer_id
            and months.month_start_date = customer_months_paid.month_start_date
),

cumulative as (
    select
        customer_month_grid.*,
        max(customer_month_grid.last_paid_date_in_month) over (
            partition by customer_month_grid.customer_id
            order by customer_month_grid.month_start_date
            rows between unbounded preceding and current row
        ) as last_paid_date,
        sum(customer_month_grid.paid_orders_in_month) over (
            partition by customer_month_grid.customer_id
            order by customer_month_grid.month_start_date
            rows between unbounded preceding and current row
        ) as frequency,
        sum(customer_month_grid.net_revenue_in_month_cny) over (
            partition by customer_month_grid.customer_id
            order by customer_month_grid.month_start_date
            rows between unbounded preceding and current row
        ) as monetary_cny
    from customer_month_grid
),

measured as (
    select
        cumulative.customer_id,
        cumulative.month_start_date,
        cumulative.snapshot_date,
        cumulative.is_complete_month,
        cumulative.first_paid_month,
        cumulative.last_paid_date,
        {{ dbt.datediff('cumulative.last_paid_date', 'cumulative.snapshot_date', 'day') }}
            as recency_days,
        cumulative.frequency,
        cast(cumulative.monetary_cny as decimal(18, 2)) as monetary_cny,
        cumulative.paid_orders_in_month,
        cast(cumulative.net_revenue_in_month_cny as decimal(18, 2)) as net_revenue_in_month_cny
    from cumulative
),

scored as (
    select
        measured.*,
        {{ rfm_quintile_score(
            'measured.recency_days', higher_is_better=false, partition_by='measured.month_start_date'
        ) }} as r_score,
        {{ rfm_quintile_score('measured.frequency', partition_by='measured.month_start_date') }}
            as f_score,
        {{ rfm_quintile_score('measured.monetary_cny', partition_by='measured.month_start_date') }}
            as m_score
    from measured
),

segmented as (
    select
        scored.*,
        score_segments.rfm_cell,
        score_segments.segment_code,
        score_segments.segment_name_en,
        score_segments.segment_name_zh
    from scored
    left join score_segments
        on
            scored.r_score = score_segments.r_score
            and scored.f_score = score_segments.f_score
            and scored.m_score = score_segments.m_score
),

final as (
    select
        {{ surrogate_key(['segmented.customer_id', 'segmented.month_start_date']) }}
            as customer_rfm_month_id,
        segmented.customer_id,
        segmented.month_start_date,
        segmented.snapshot_date,
        segmented.is_complete_month,
        segmented.month_start_date = segmented.first_paid_month as is_first_paid_month,
        segmented.last_paid_date,
        segmented.recency_days,
        segmented.frequency,
        segmented.monetary_cny,
        segmented.paid_orders_in_month,
        segmented.net_revenue_in_month_cny,
        segmented.r_score,
        segmented.f_score,
        segmented.m_score,
        segmented.rfm_cell,
        segmented.segment_code,
        segmented.segment_name_en,
        segmented.segment_name_zh,
        lag(segmented.segment_code) over (
            partition by segmented.customer_id
            order by segmented.month_start_date
        ) as previous_segment_code
    from segmented
)

select * from final
