-- One row per month from the first paid month to the as-of month: buyers dormant when the
-- month began (last paid order more than var lifecycle_dormant_after_days before the end
-- of the previous month), how many of them paid again within the month, and the dormant
-- reactivation rate 沉睡用戶喚醒率.

with

rfm_months as (
    select * from {{ ref('snap_customer_rfm_months') }}
),

with_previous as (
    select
        rfm_months.customer_id,
        rfm_months.month_start_date,
        rfm_months.is_complete_month,
        rfm_months.paid_orders_in_month,
        rfm_months.net_revenue_in_month_cny,
        lag(rfm_months.recency_days) over (
            partition by rfm_months.customer_id
            order by rfm_months.month_start_date
        ) as recency_days_at_previous_month_end
    from rfm_months
),

flagged as (
    select
        with_previous.*,
        with_previous.recency_days_at_previous_month_end is not null as is_buyer_at_start,
        coalesce(
            with_previous.recency_days_at_previous_month_end
            > {{ var('lifecycle_dormant_after_days') }},
            false
        ) as is_dormant_at_start
    from with_previous
),

counted as (
    select
        flagged.month_start_date,
        min(case when flagged.is_complete_month then 1 else 0 end) = 1 as is_complete_month,
        cast(sum(case when flagged.is_buyer_at_start then 1 else 0 end) as bigint)
            as buyers_at_start,
        cast(sum(case when flagged.is_dormant_at_start then 1 else 0 end) as bigint)
            as dormant_customers_at_start,
        cast(sum(
            case
                when flagged.is_dormant_at_start and flagged.paid_orders_in_month > 0 then 1
                else 0
            end
        ) as bigint) as reactivated_customers,
        sum(
            case
                when flagged.is_dormant_at_start then flagged.net_revenue_in_month_cny
                else 0
            end
        ) as reactivated_net_revenue_cny
    from flagged
    group by flagged.month_start_date
),

final as (
    select
        counted.month_start_date,
        counted.is_complete_month,
        counted.buyers_at_start,
        counted.dormant_customers_at_start,
        counted.reactivated_customers,
        {{ safe_divide('counted.reactivated_customers', 'counted.dormant_customers_at_start') }}
            as reactivation_rate,
        cast(counted.reactivated_net_revenue_cny as decimal(18, 2))
            as reactivated_net_revenue_cny
    from counted
)

select * from final
