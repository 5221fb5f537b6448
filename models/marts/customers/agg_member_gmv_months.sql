-- One row per month x member tier (non-members 'none' included; every tier of the
-- member_tiers seed every month): GMV of the tier's customers' paid orders, its share of
-- the month's GMV 會員貢獻GMV占比, and the tier's activity: registered customers at the
-- month's end and how many of them were active in the month 會員活躍率 (a non-bot session
-- or an order placed). The tier is the customer's current tier (the contract has no tier
-- history). Months run from the first paid order to the as-of month; nothing after the
-- as-of date counts. GMV shares of the member tiers add up to the member GMV share.

with

customers as (
    select * from {{ ref('dim_customers') }}
),

member_tiers as (
    select * from {{ ref('member_tiers') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

as_of as (
    select * from {{ ref('int_customer_value_as_of') }}
),

value_months as (
    select * from {{ ref('int_customer_value_months') }}
),

tiers as (
    select
        member_tiers.member_tier,
        member_tiers.member_tier_name_en,
        member_tiers.member_tier_name_zh,
        member_tiers.is_member,
        member_tiers.tier_rank
    from member_tiers
    union all
    -- A tier code missing from the seed keeps its own row, so the month's shares add to 1.
    select distinct
        customers.member_tier,
        customers.member_tier_name_en,
        customers.member_tier_name_zh,
        customers.is_member,
        cast(null as integer) as tier_rank
    from customers
    where customers.member_tier not in (select member_tiers.member_tier from member_tiers)
),

months as (
    select
        value_months.month_start_date,
        value_months.observed_until_date,
        value_months.is_complete_month
    from value_months
),

tier_gmv as (
    select
        cast({{ dbt.date_trunc('month', 'orders.paid_date') }} as date) as month_start_date,
        customers.member_tier,
        count(*) as paid_orders,
        count(distinct orders.customer_id) as buying_customers,
        sum(orders.gmv_cny) as gmv_cny
    from orders
    inner join customers
        on orders.customer_id = customers.customer_id
    cross join as_of
    where
        orders.is_paid
        and orders.paid_date <= as_of.as_of_date
    group by
        cast({{ dbt.date_trunc('month', 'orders.paid_date') }} as date),
        customers.member_tier
),

activity_days as (
    select * from {{ ref('agg_customer_activity_days') }}
),

first_month as (
    select min(months.month_start_date) as month_start_date
    from months
),

registration_months as (
    -- Customers registered before the first month are counted in the first month.
    select
        greatest(
            cast({{ dbt.date_trunc('month', 'customers.registered_date') }} as date),
            first_month.month_start_date
        ) as month_start_date,
        customers.member_tier
    from customers
    cross join as_of
    cross join first_month
    where customers.registered_date <= as_of.as_of_date
),

registrations as (
    select
        registration_months.month_start_date,
        registration_months.member_tier,
        count(*) as new_registrations
    from registration_months
    group by
        registration_months.month_start_date,
        registration_months.member_tier
),

active_customer_months as (
    select distinct
        activity_days.customer_id,
        cast({{ dbt.date_trunc('month', 'activity_days.activity_date') }} as date)
            as month_start_date
    from activity_days
    cross join as_of
    where activity_days.activity_date <= as_of.as_of_date
),

tier_activity as (
    select
        active_customer_months.month_start_date,
        customers.member_tier,
        count(*) as active_customers
    from active_customer_months
    inner join months
        on active_customer_months.month_start_date = months.month_start_date
    inner join customers
        on
            active_customer_months.customer_id = customers.customer_id
            and months.observed_until_date >= customers.registered_date
    group by
        active_customer_months.month_start_date,
        customers.member_tier
),

grid as (
    select
        months.month_start_date,
        months.is_complete_month,
        tiers.member_tier,
        tiers.member_tier_name_en,
        tiers.member_tier_name_zh,
        tiers.is_member,
        tiers.tier_rank,
        coalesce(tier_gmv.paid_orders, 0) as paid_orders,
        coalesce(tier_gmv.buying_customers, 0) as buying_customers,
        coalesce(tier_gmv.gmv_cny, 0) as gmv_cny,
        cast(sum(coalesce(registrations.new_registrations, 0)) over (
            partition by tiers.member_tier
            order by months.month_start_date
            rows between unbounded preceding and current row
        ) as bigint) as registered_customers,
        coalesce(tier_activity.active_customers, 0) as active_customers
    from months
    cross join tiers
    left join tier_gmv
        on
            months.month_start_date = tier_gmv.month_start_date
            and tiers.member_tier = tier_gmv.member_tier
    left join registrations
        on
            months.month_start_date = registrations.month_start_date
            and tiers.member_tier = registrations.member_tier
    left join tier_activity
        on
            months.month_start_date = tier_activity.month_start_date
            and tiers.member_tier = tier_activity.member_tier
),

final as (
    select
        {{ surrogate_key(['grid.month_start_date', 'grid.member_tier']) }} as member_gmv_month_id,
        grid.month_start_date,
        grid.is_complete_month,
        grid.member_tier,
        grid.member_tier_name_en,
        grid.member_tier_name_zh,
        grid.is_member,
        grid.tier_rank,
        grid.paid_orders,
        grid.buying_customers,
        cast(grid.gmv_cny as decimal(18, 2)) as gmv_cny,
        cast(sum(grid.gmv_cny) over (partition by grid.month_start_date) as decimal(18, 2))
            as month_gmv_cny,
        {{ safe_divide(
            'grid.gmv_cny', 'sum(grid.gmv_cny) over (partition by grid.month_start_date)'
        ) }} as gmv_share,
        grid.registered_customers,
        grid.active_customers,
        {{ safe_divide('grid.active_customers', 'grid.registered_customers') }} as activity_rate
    from grid
)

select * from final
