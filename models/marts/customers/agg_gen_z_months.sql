-- One row per month x customer group (gen_z / other; customers without a birth year are
-- other): registered customers at the month's end, new customers (first paid order in the
-- month), buying customers, paid orders, GMV, net revenue and AOV 客單價, each group's share
-- of the month's registered customers, buyers and GMV Z世代占比, and its repurchase (from
-- agg_repurchase_periods: repeat customers, quick repurchase, median cycle). Months run from
-- the first paid order to the as-of month; nothing after the as-of date counts.

with

customers as (
    select * from {{ ref('dim_customers') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

repurchase_periods as (
    select * from {{ ref('agg_repurchase_periods') }}
),

as_of as (
    select * from {{ ref('int_customer_value_as_of') }}
),

value_months as (
    select * from {{ ref('int_customer_value_months') }}
),

customer_groups as (
    select
        customers.customer_id,
        customers.registered_date,
        customers.first_paid_date,
        case when customers.is_gen_z then 'gen_z' else 'other' end as customer_group
    from customers
),

groups as (
    select 'gen_z' as customer_group
    union all
    select 'other' as customer_group
),

paid_orders as (
    select
        orders.customer_id,
        orders.paid_date,
        orders.gmv_cny,
        orders.net_revenue_cny
    from orders
    cross join as_of
    where
        orders.is_paid
        and orders.paid_date <= as_of.as_of_date
),

months as (
    select
        value_months.month_start_date,
        value_months.is_complete_month
    from value_months
),

group_sales as (
    select
        cast({{ dbt.date_trunc('month', 'paid_orders.paid_date') }} as date) as month_start_date,
        customer_groups.customer_group,
        count(distinct paid_orders.customer_id) as buying_customers,
        count(*) as paid_orders,
        sum(paid_orders.gmv_cny) as gmv_cny,
        sum(paid_orders.net_revenue_cny) as net_revenue_cny
    from paid_orders
    inner join customer_groups
        on paid_orders.customer_id = customer_groups.customer_id
    group by
        cast({{ dbt.date_trunc('month', 'paid_orders.paid_date') }} as date),
        customer_groups.customer_group
),

new_customers as (
    select
        cast({{ dbt.date_trunc('month', 'customer_groups.first_paid_date') }} as date)
            as month_start_date,
        customer_groups.customer_group,
        count(*) as new_customers
    from customer_groups
    cross join as_of
    where customer_groups.first_paid_date <= as_of.as_of_date
    group by
        cast({{ dbt.date_trunc('month', 'customer_groups.first_paid_date') }} as date),
        customer_groups.customer_group
),

first_month as (
    select min(months.month_start_date) as month_start_date
    from months
),

registration_months as (
    -- Customers registered before the first month are counted in the first month.
    select
        greatest(
            cast({{ dbt.date_trunc('month', 'customer_groups.registered_date') }} as date),
            first_month.month_start_date
        ) as month_start_date,
        customer_groups.customer_group
    from customer_groups
    cross join as_of
    cross join first_month
    where customer_groups.registered_date <= as_of.as_of_date
),

registrations as (
    select
        registration_months.month_start_date,
        registration_months.customer_group,
        count(*) as new_registrations
    from registration_months
    group by
        registration_months.month_start_date,
        registration_months.customer_group
),

grid as (
    select
        months.month_start_date,
        months.is_complete_month,
        groups.customer_group,
        cast(sum(coalesce(registrations.new_registrations, 0)) over (
            partition by groups.customer_group
            order by months.month_start_date
            rows between unbounded preceding and current row
        ) as bigint) as registered_customers,
        coalesce(new_customers.new_customers, 0) as new_customers,
        coalesce(group_sales.buying_customers, 0) as buying_customers,
        coalesce(group_sales.paid_orders, 0) as paid_orders,
        coalesce(group_sales.gmv_cny, 0) as gmv_cny,
        coalesce(group_sales.net_revenue_cny, 0) as net_revenue_cny
    from months
    cross join groups
    left join registrations
        on
            months.month_start_date = registrations.month_start_date
            and groups.customer_group = registrations.customer_group
    left join new_customers
        on
            months.month_start_date = new_customers.month_start_date
            and groups.customer_group = new_customers.customer_group
    left join group_sales
        on
            months.month_start_date = group_sales.month_start_date
            and groups.customer_group = group_sales.customer_group
),

final as (
    select
        {{ surrogate_key(['grid.month_start_date', 'grid.customer_group']) }} as gen_z_month_id,
        grid.month_start_date,
        grid.is_complete_month,
        grid.customer_group,
        grid.registered_customers,
        grid.new_customers,
        grid.buying_customers,
        grid.paid_orders,
        cast(grid.gmv_cny as decimal(18, 2)) as gmv_cny,
        cast(grid.net_revenue_cny as decimal(18, 2)) as net_revenue_cny,
        {{ safe_divide('grid.net_revenue_cny', 'grid.paid_orders') }} as average_order_value_cny,
        {{ safe_divide(
            'grid.registered_customers',
            'sum(grid.registered_customers) over (partition by grid.month_start_date)'
        ) }} as registered_customer_share,
        {{ safe_divide(
            'grid.buying_customers',
            'sum(grid.buying_customers) over (partition by grid.month_start_date)'
        ) }} as buying_customer_share,
        {{ safe_divide(
            'grid.gmv_cny', 'sum(grid.gmv_cny) over (partition by grid.month_start_date)'
        ) }} as gmv_share,
        coalesce(repurchase_periods.repeat_customers, 0) as repeat_customers,
        repurchase_periods.repurchase_rate,
        coalesce(repurchase_periods.customers_repurchasing_within_window, 0)
            as customers_repurchasing_within_window,
        repurchase_periods.repurchase_within_window_rate,
        repurchase_periods.median_repurchase_cycle_days
    from grid
    left join repurchase_periods
        on
            grid.month_start_date = repurchase_periods.period_start_date
            and grid.customer_group = repurchase_periods.customer_group
            and repurchase_periods.period_grain = 'month'
            and repurchase_periods.acquisition_channel = 'all'
)

select * from final
