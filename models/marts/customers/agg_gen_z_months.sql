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

customer_months as (
    select * from {{ ref('int_customer_months') }}
),

value_months as (
    select * from {{ ref('int_customer_value_months') }}
),

repurchase_periods as (
    select * from {{ ref('agg_repurchase_periods') }}
),

customer_groups as (
    select
        customers.customer_id,
        case when customers.is_gen_z then 'gen_z' else 'other' end as customer_group
    from customers
),

groups as (
    select 'gen_z' as customer_group
    union all
    select 'other' as customer_group
),

group_months as (
    select
        customer_months.month_start_date,
        customer_groups.customer_group,
        count(case when customer_months.is_registration_month then 1 end)
            as new_registrations,
        count(case when customer_months.is_first_paid_month then 1 end) as new_customers,
        count(case when customer_months.paid_orders > 0 then 1 end) as buying_customers,
        cast(sum(customer_months.paid_orders) as bigint) as paid_orders,
        sum(customer_months.gmv_cny) as gmv_cny,
        sum(customer_months.net_revenue_cny) as net_revenue_cny
    from customer_months
    inner join customer_groups
        on customer_months.customer_id = customer_groups.customer_id
    group by
        customer_months.month_start_date,
        customer_groups.customer_group
),

grid as (
    select
        value_months.month_start_date,
        value_months.is_complete_month,
        groups.customer_group,
        cast(sum(coalesce(group_months.new_registrations, 0)) over (
            partition by groups.customer_group
            order by value_months.month_start_date
            rows between unbounded preceding and current row
        ) as bigint) as registered_customers,
        coalesce(group_months.new_customers, 0) as new_customers,
        coalesce(group_months.buying_customers, 0) as buying_customers,
        coalesce(group_months.paid_orders, 0) as paid_orders,
        coalesce(group_months.gmv_cny, 0) as gmv_cny,
        coalesce(group_months.net_revenue_cny, 0) as net_revenue_cny
    from value_months
    cross join groups
    left join group_months
        on
            value_months.month_start_date = group_months.month_start_date
            and groups.customer_group = group_months.customer_group
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
