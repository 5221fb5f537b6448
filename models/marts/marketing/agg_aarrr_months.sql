-- One row per month: the AARRR view 海盜模型 of the same data as the funnel. Acquisition
-- (new human visitors), activation (new visitors paying within the first-purchase window, and
-- new customers), retention (paying customers who had paid before, and last month's payers
-- paying again), revenue (net revenue per paying customer) and referral (sessions and new
-- customers from referral channels).

with

dates as (
    select * from {{ ref('dim_dates') }}
),

sessions as (
    select * from {{ ref('int_human_sessions') }}
),

visitors as (
    select * from {{ ref('dim_visitors') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

channels as (
    select * from {{ ref('dim_channels') }}
),

months as (
    select distinct dates.month_start_date
    from dates
),

human_sessions as (
    select
        sessions.started_at,
        coalesce(channels.is_referral, false) as is_referral_channel
    from sessions
    left join channels
        on sessions.channel = channels.channel
),

acquisition as (
    select
        visitors.first_visit_month as month_start_date,
        count(*) as new_visitors,
        sum(case when visitors.is_first_purchase_within_window then 1 else 0 end)
            as activated_visitors
    from visitors
    group by visitors.first_visit_month
),

referral_sessions as (
    select
        cast({{ dbt.date_trunc('month', 'human_sessions.started_at') }} as date)
            as month_start_date,
        count(*) as sessions,
        sum(case when human_sessions.is_referral_channel then 1 else 0 end)
            as referral_sessions
    from human_sessions
    group by {{ dbt.date_trunc('month', 'human_sessions.started_at') }}
),

new_customers as (
    select
        customers.first_paid_month as month_start_date,
        count(*) as new_customers,
        sum(case when coalesce(channels.is_referral, false) then 1 else 0 end)
            as referral_new_customers
    from customers
    left join channels
        on customers.acquisition_channel = channels.channel
    where customers.first_paid_month is not null
    group by customers.first_paid_month
),

customer_months as (
    select
        orders.customer_id,
        cast({{ dbt.date_trunc('month', 'orders.paid_date') }} as date) as month_start_date,
        min(orders.paid_order_number) as first_paid_order_number_in_month,
        count(*) as paid_orders,
        sum(orders.net_revenue_cny) as net_revenue_cny
    from orders
    where orders.is_paid
    group by orders.customer_id, {{ dbt.date_trunc('month', 'orders.paid_date') }}
),

customer_months_with_previous as (
    select
        customer_months.*,
        lag(customer_months.month_start_date) over (
            partition by customer_months.customer_id
            order by customer_months.month_start_date
        ) as previous_paid_month
    from customer_months
),

paying as (
    select
        customer_months_with_previous.month_start_date,
        count(*) as paying_customers,
        sum(
            case
                when customer_months_with_previous.first_paid_order_number_in_month > 1 then 1
                else 0
            end
        ) as returning_customers,
        sum(
            case
                when customer_months_with_previous.previous_paid_month
                    = cast({{ dbt.dateadd(
                        'month', -1, 'customer_months_with_previous.month_start_date'
                    ) }} as date)
                    then 1
                else 0
            end
        ) as retained_from_previous_month,
        sum(customer_months_with_previous.paid_orders) as paid_orders,
        sum(customer_months_with_previous.net_revenue_cny) as net_revenue_cny
    from customer_months_with_previous
    group by customer_months_with_previous.month_start_date
),

joined as (
    select
        months.month_start_date,
        coalesce(acquisition.new_visitors, 0) as new_visitors,
        coalesce(acquisition.activated_visitors, 0) as activated_visitors,
        coalesce(new_customers.new_customers, 0) as new_customers,
        coalesce(paying.paying_customers, 0) as paying_customers,
        coalesce(paying.returning_customers, 0) as returning_customers,
        coalesce(paying.retained_from_previous_month, 0) as retained_from_previous_month,
        lag(coalesce(paying.paying_customers, 0)) over (order by months.month_start_date)
            as previous_month_paying_customers,
        coalesce(paying.paid_orders, 0) as paid_orders,
        cast(coalesce(paying.net_revenue_cny, 0) as decimal(18, 2)) as net_revenue_cny,
        coalesce(referral_sessions.sessions, 0) as sessions,
        coalesce(referral_sessions.referral_sessions, 0) as referral_sessions,
        coalesce(new_customers.referral_new_customers, 0) as referral_new_customers
    from months
    left join acquisition
        on months.month_start_date = acquisition.month_start_date
    left join new_customers
        on months.month_start_date = new_customers.month_start_date
    left join paying
        on months.month_start_date = paying.month_start_date
    left join referral_sessions
        on months.month_start_date = referral_sessions.month_start_date
),

final as (
    select
        joined.*,
        {{ safe_divide('joined.activated_visitors', 'joined.new_visitors') }}
            as activation_rate,
        {{ safe_divide('joined.returning_customers', 'joined.paying_customers') }}
            as returning_customer_share,
        {{ safe_divide(
            'joined.retained_from_previous_month', 'joined.previous_month_paying_customers'
        ) }} as month_over_month_retention_rate,
        {{ safe_divide('joined.net_revenue_cny', 'joined.paying_customers') }}
            as net_revenue_per_paying_customer_cny,
        {{ safe_divide('joined.referral_sessions', 'joined.sessions') }}
            as referral_session_share,
        {{ safe_divide('joined.referral_new_customers', 'joined.new_customers') }}
            as referral_new_customer_share
    from joined
)

select * from final
