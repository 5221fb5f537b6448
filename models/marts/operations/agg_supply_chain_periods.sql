-- One row per period grain (day, week, month) x period x product category, plus rollup rows
-- where the category is 'all': the supply-chain and service KPIs of the catalogue's
-- section 6 (供應鏈與服務). Stock: product-days, stock-outs 缺貨率 and the in-stock rate
-- 現貨率, product-days and products (at the period's last snapshot) below safety stock,
-- the average stock value and the inventory turnover 庫存周轉率 (COGS of the period's paid
-- lines / average stock value). Service, for orders paid in the period: fulfilment days
-- 履約時效 (paid -> delivered: mean, median, p90), refunds 退貨退款率 by order, line and
-- amount. Reviews written in the period and the negative share 差評占比. A category row
-- counts the category's lines and the orders containing one; medians and p90s do not add
-- up, so the 'all' rows are computed from the orders themselves: read them for totals
-- rather than summing the category rows.

{%- set grains = {'day': 'date_day', 'week': 'week_start_date', 'month': 'month_start_date'} %}
{%- set month_after = dbt.dateadd('month', 1, 'period_keys.period_start_date') %}

with

dates as (
    select * from {{ ref('dim_dates') }}
),

inventory as (
    select * from {{ ref('snap_inventory_days') }}
),

order_items as (
    select * from {{ ref('fct_order_items') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

reviews as (
    select * from {{ ref('fct_reviews') }}
),

periods as (
    {%- for grain, column in grains.items() %}
        select
            '{{ grain }}' as period_grain,
            dates.date_day,
            dates.{{ column }} as period_start_date
        from dates
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

last_snapshot as (
    select max(inventory.snapshot_date) as last_snapshot_date
    from inventory
),

-- Every fact row under its category and again under 'all'.
stock_days as (
    select
        inventory.snapshot_date,
        inventory.category,
        inventory.is_stock_out,
        inventory.is_below_safety_stock,
        inventory.inventory_value_cny
    from inventory
    union all
    select
        inventory.snapshot_date,
        'all' as category,
        inventory.is_stock_out,
        inventory.is_below_safety_stock,
        inventory.inventory_value_cny
    from inventory
),

paid_lines as (
    select
        order_items.paid_date,
        order_items.category,
        order_items.order_id,
        order_items.gmv_cny,
        order_items.refund_cny,
        order_items.cogs_cny
    from order_items
    where order_items.is_paid
    union all
    select
        order_items.paid_date,
        'all' as category,
        order_items.order_id,
        order_items.gmv_cny,
        order_items.refund_cny,
        order_items.cogs_cny
    from order_items
    where order_items.is_paid
),

order_categories as (
    select distinct
        paid_lines.order_id,
        paid_lines.category
    from paid_lines
),

delivered_orders as (
    select
        orders.paid_date,
        order_categories.category,
        orders.fulfilment_days
    from orders
    inner join order_categories
        on orders.order_id = order_categories.order_id
    where orders.is_paid and orders.fulfilment_days is not null
),

review_rows as (
    select
        reviews.review_date,
        reviews.category,
        reviews.is_negative
    from reviews
    union all
    select
        reviews.review_date,
        'all' as category,
        reviews.is_negative
    from reviews
),

stock_periods as (
    select
        periods.period_grain,
        periods.period_start_date,
        stock_days.category,
        count(*) as product_days,
        sum(case when stock_days.is_stock_out then 1 else 0 end) as stock_out_product_days,
        sum(case when stock_days.is_below_safety_stock then 1 else 0 end)
            as below_safety_stock_product_days,
        {{ double_divide(
            'sum(stock_days.inventory_value_cny)', 'count(distinct stock_days.snapshot_date)'
        ) }} as average_inventory_value_cny,
        max(stock_days.snapshot_date) as period_last_snapshot_date
    from stock_days
    inner join periods
        on stock_days.snapshot_date = periods.date_day
    group by
        periods.period_grain,
        periods.period_start_date,
        stock_days.category
),

stock_at_period_end as (
    select
        stock_periods.period_grain,
        stock_periods.period_start_date,
        stock_periods.category,
        sum(case when stock_days.is_below_safety_stock then 1 else 0 end)
            as products_below_safety_stock
    from stock_periods
    inner join stock_days
        on
            stock_periods.category = stock_days.category
            and stock_periods.period_last_snapshot_date = stock_days.snapshot_date
    group by
        stock_periods.period_grain,
        stock_periods.period_start_date,
        stock_periods.category
),

line_periods as (
    select
        periods.period_grain,
        periods.period_start_date,
        paid_lines.category,
        count(*) as paid_lines,
        sum(case when paid_lines.refund_cny > 0 then 1 else 0 end) as refunded_lines,
        count(distinct paid_lines.order_id) as paid_orders,
        count(distinct case when paid_lines.refund_cny > 0 then paid_lines.order_id end)
            as refunded_orders,
        sum(paid_lines.gmv_cny) as gmv_cny,
        sum(paid_lines.refund_cny) as refund_cny,
        sum(paid_lines.cogs_cny) as cogs_cny
    from paid_lines
    inner join periods
        on paid_lines.paid_date = periods.date_day
    group by
        periods.period_grain,
        periods.period_start_date,
        paid_lines.category
),

fulfilment_periods as (
    select
        periods.period_grain,
        periods.period_start_date,
        delivered_orders.category,
        count(*) as delivered_orders,
        -- an exact sum divided by a count (DECISIONLOG "Identical rebuilds")
        {{ double_divide(
            'sum(cast(delivered_orders.fulfilment_days as decimal(18, 6)))', 'count(*)'
        ) }} as fulfilment_days_mean,
        percentile_cont(0.5) within group (order by delivered_orders.fulfilment_days)
            as fulfilment_days_median,
        percentile_cont(0.9) within group (order by delivered_orders.fulfilment_days)
            as fulfilment_days_p90
    from delivered_orders
    inner join periods
        on delivered_orders.paid_date = periods.date_day
    group by
        periods.period_grain,
        periods.period_start_date,
        delivered_orders.category
),

review_periods as (
    select
        periods.period_grain,
        periods.period_start_date,
        review_rows.category,
        count(*) as reviews,
        sum(case when review_rows.is_negative then 1 else 0 end) as negative_reviews
    from review_rows
    inner join periods
        on review_rows.review_date = periods.date_day
    group by
        periods.period_grain,
        periods.period_start_date,
        review_rows.category
),

period_keys as (
    select
        stock_periods.period_grain,
        stock_periods.period_start_date,
        stock_periods.category
    from stock_periods
    union
    select
        line_periods.period_grain,
        line_periods.period_start_date,
        line_periods.category
    from line_periods
    union
    select
        review_periods.period_grain,
        review_periods.period_start_date,
        review_periods.category
    from review_periods
),

period_ends as (
    select
        period_keys.*,
        case period_keys.period_grain
            when 'day' then period_keys.period_start_date
            when 'week'
                then cast({{ dbt.dateadd('day', 6, 'period_keys.period_start_date') }} as date)
            else cast({{ dbt.dateadd('day', -1, month_after) }} as date)
        end as period_end_date
    from period_keys
),

final as (
    select
        {{ surrogate_key([
            'period_keys.period_grain', 'period_keys.period_start_date', 'period_keys.category'
        ]) }} as supply_chain_period_id,
        period_keys.period_grain,
        period_keys.period_start_date,
        period_keys.category,
        period_keys.period_end_date,
        coalesce(stock_periods.product_days, 0) as product_days,
        coalesce(stock_periods.stock_out_product_days, 0) as stock_out_product_days,
        {{ safe_divide('stock_periods.stock_out_product_days', 'stock_periods.product_days') }}
            as stock_out_rate,
        1 - {{ safe_divide('stock_periods.stock_out_product_days', 'stock_periods.product_days') }}
            as in_stock_rate,
        coalesce(stock_periods.below_safety_stock_product_days, 0)
            as below_safety_stock_product_days,
        coalesce(stock_at_period_end.products_below_safety_stock, 0)
            as products_below_safety_stock,
        stock_periods.average_inventory_value_cny,
        coalesce(line_periods.cogs_cny, 0) as cogs_cny,
        {{ safe_divide(
            'coalesce(line_periods.cogs_cny, 0)', 'stock_periods.average_inventory_value_cny'
        ) }}
            as inventory_turnover,
        coalesce(line_periods.paid_orders, 0) as paid_orders,
        coalesce(line_periods.refunded_orders, 0) as refunded_orders,
        {{ safe_divide('line_periods.refunded_orders', 'line_periods.paid_orders') }}
            as refund_order_rate,
        coalesce(line_periods.paid_lines, 0) as paid_lines,
        coalesce(line_periods.refunded_lines, 0) as refunded_lines,
        {{ safe_divide('line_periods.refunded_lines', 'line_periods.paid_lines') }}
            as refund_line_rate,
        coalesce(line_periods.gmv_cny, 0) as gmv_cny,
        coalesce(line_periods.refund_cny, 0) as refund_cny,
        {{ safe_divide('line_periods.refund_cny', 'line_periods.gmv_cny') }}
            as refund_amount_rate,
        coalesce(fulfilment_periods.delivered_orders, 0) as delivered_orders,
        fulfilment_periods.fulfilment_days_mean,
        fulfilment_periods.fulfilment_days_median,
        fulfilment_periods.fulfilment_days_p90,
        coalesce(review_periods.reviews, 0) as reviews,
        coalesce(review_periods.negative_reviews, 0) as negative_reviews,
        {{ safe_divide('review_periods.negative_reviews', 'review_periods.reviews') }}
            as negative_review_share
    from period_ends as period_keys
    left join stock_periods
        on
            period_keys.period_grain = stock_periods.period_grain
            and period_keys.period_start_date = stock_periods.period_start_date
            and period_keys.category = stock_periods.category
    left join stock_at_period_end
        on
            period_keys.period_grain = stock_at_period_end.period_grain
            and period_keys.period_start_date = stock_at_period_end.period_start_date
            and period_keys.category = stock_at_period_end.category
    left join line_periods
        on
            period_keys.period_grain = line_periods.period_grain
            and period_keys.period_start_date = line_periods.period_start_date
            and period_keys.category = line_periods.category
    left join fulfilment_periods
        on
            period_keys.period_grain = fulfilment_periods.period_grain
            and period_keys.period_start_date = fulfilment_periods.period_start_date
            and period_keys.category = fulfilment_periods.category
    left join review_periods
        on
            period_keys.period_grain = review_periods.period_grain
            and period_keys.period_start_date = review_periods.period_start_date
            and period_keys.category = review_periods.category
)

select
    final.*,
    final.period_end_date <= last_snapshot.last_snapshot_date as is_complete_period
from final
cross join last_snapshot
