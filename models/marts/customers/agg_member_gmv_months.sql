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

customer_months as (
    select * from {{ ref('int_customer_months') }}
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

-- Active customers count once they are registered (registered by the month's end).
tier_months as (
    select
        customer_months.month_start_date,
        customers.member_tier,
        cast(sum(customer_months.paid_orders) as bigint) as paid_orders,
        count(case when customer_months.paid_orders > 0 then 1 end) as buying_customers,
        sum(customer_months.gmv_cny) as gmv_cny,
        count(case when customer_months.is_registration_month then 1 end)
            as new_registrations,
        count(
            case
                when
                    customer_months.is_active
                    and customer_months.registration_month <= customer_months.month_start_date
                    then 1
            end
        ) as active_customers
    from customer_months
    inner join customers
        on customer_months.customer_id = customers.customer_id
    group by
        customer_months.month_start_date,
        customers.member_tier
),

grid as (
    select
        value_months.month_start_date,
        value_months.is_complete_month,
        tiers.member_tier,
        tiers.member_tier_name_en,
        tiers.member_tier_name_zh,
        tiers.is_member,
        tiers.tier_rank,
        coalesce(tier_months.paid_orders, 0) as paid_orders,
        coalesce(tier_months.buying_customers, 0) as buying_customers,
        coalesce(tier_months.gmv_cny, 0) as gmv_cny,
        cast(sum(coalesce(tier_months.new_registrations, 0)) over (
            partition by tiers.member_tier
            order by value_months.month_start_date
            rows between unbounded preceding and current row
        ) as bigint) as registered_customers,
        coalesce(tier_months.active_customers, 0) as active_customers
    from value_months
    cross join tiers
    left join tier_months
        on
            value_months.month_start_date = tier_months.month_start_date
            and tiers.member_tier = tier_months.member_tier
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
