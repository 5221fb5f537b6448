-- One row per registered customer: profile (personal data only hashed or masked), city tier,
-- Gen-Z flag, member tier, first order and the acquisition channel of the first paid order.

with

customers as (
    select * from {{ ref('stg_shop__customers') }}
),

member_tiers as (
    select * from {{ ref('member_tiers') }}
),

city_tiers as (
    select * from {{ ref('city_tiers') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

first_orders as (
    select
        orders.customer_id,
        min(orders.ordered_at) as first_ordered_at
    from orders
    group by orders.customer_id
),

paid_order_summary as (
    select
        orders.customer_id,
        count(*) as paid_orders,
        sum(orders.gmv_cny) as lifetime_gmv_cny,
        sum(orders.net_revenue_cny) as lifetime_net_revenue_cny,
        max(orders.paid_at) as last_paid_at
    from orders
    where orders.is_paid
    group by orders.customer_id
),

first_paid_orders as (
    select
        orders.customer_id,
        orders.order_id as first_paid_order_id,
        orders.paid_at as first_paid_at,
        orders.platform as acquisition_platform,
        orders.session_channel,
        orders.session_campaign_id
    from orders
    where orders.paid_order_number = 1
),

final as (
    select
        customers.customer_id,
        customers.registered_at,
        cast(customers.registered_at as date) as registered_date,
        customers.birth_year,
        coalesce(
            customers.birth_year between {{ var('gen_z_birth_year_from') }}
            and {{ var('gen_z_birth_year_to') }},
            false
        ) as is_gen_z,
        case
            when customers.birth_year is null then 'unknown'
            when customers.birth_year >= 2000 then '00後'
            when customers.birth_year >= 1995 then '95後'
            when customers.birth_year >= 1990 then '90後'
            when customers.birth_year >= 1980 then '80後'
            else '80前'
        end as generation_band,
        customers.gender,
        customers.province,
        customers.city,
        city_tiers.city_tier,
        customers.customer_name_masked,
        customers.customer_name_hash,
        customers.phone_masked,
        customers.phone_hash,
        customers.address_hash,
        customers.member_tier,
        coalesce(member_tiers.member_tier_name_en, customers.member_tier) as member_tier_name_en,
        coalesce(member_tiers.member_tier_name_zh, customers.member_tier) as member_tier_name_zh,
        coalesce(member_tiers.is_member, false) as is_member,
        first_orders.first_ordered_at,
        first_paid_orders.first_paid_order_id,
        first_paid_orders.first_paid_at,
        cast(first_paid_orders.first_paid_at as date) as first_paid_date,
        cast({{ dbt.date_trunc('month', 'first_paid_orders.first_paid_at') }} as date)
            as first_paid_month,
        first_paid_orders.acquisition_platform,
        case
            when first_paid_orders.first_paid_order_id is not null
                then coalesce(first_paid_orders.session_channel, 'unattributed')
        end as acquisition_channel,
        first_paid_orders.session_campaign_id as acquisition_campaign_id,
        coalesce(paid_order_summary.paid_orders, 0) as paid_orders,
        cast(coalesce(paid_order_summary.lifetime_gmv_cny, 0) as decimal(18, 2))
            as lifetime_gmv_cny,
        cast(coalesce(paid_order_summary.lifetime_net_revenue_cny, 0) as decimal(18, 2))
            as lifetime_net_revenue_cny,
        paid_order_summary.last_paid_at,
        coalesce(paid_order_summary.paid_orders, 0) >= 1 as is_buyer,
        coalesce(paid_order_summary.paid_orders, 0) >= 2 as is_repeat_buyer
    from customers
    left join member_tiers
        on customers.member_tier = member_tiers.member_tier
    left join city_tiers
        on customers.city = city_tiers.city
    left join first_orders
        on customers.customer_id = first_orders.customer_id
    left join first_paid_orders
        on customers.customer_id = first_paid_orders.customer_id
    left join paid_order_summary
        on customers.customer_id = paid_order_summary.customer_id
)

select * from final
