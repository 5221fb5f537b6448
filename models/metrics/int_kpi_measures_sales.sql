-- Conversion and sales KPIs 轉化 (catalogue sections 2 and 4) by day, ISO week and month:
-- the funnel's step rates by channel, device and campaign; order → pay; first-purchase
-- conversion; paid orders, GMV, net revenue and AOV (total, by channel under the default
-- attribution model, by category); gross and net margin; shipping cost per order; buying
-- customers. One row per KPI x period x slice with the pooled numerator and denominator;
-- buying customers, a distinct count, is counted again per week and month.

with

funnel_days as (
    select * from {{ ref('agg_funnel_days') }}
),

traffic_days as (
    select * from {{ ref('agg_traffic_days') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

paid_orders as (
    select * from orders
    where is_paid
),

paid_order_items as (
    select * from {{ ref('fct_order_items') }}
    where is_paid
),

channel_days as (
    select * from {{ ref('agg_channel_days') }}
    where is_default_attribution_model
),

ad_spend as (
    select * from {{ ref('fct_ad_spend') }}
),

-- The day's paid orders by category: an order counts once in each category it has a line of.
category_days as (
    select
        paid_date,
        category,
        count(distinct order_id) as paid_orders,
        sum(gmv_cny) as gmv_cny,
        sum(net_revenue_cny) as net_revenue_cny,
        sum(gross_margin_cny) as gross_margin_cny
    from paid_order_items
    group by paid_date, category
),

order_cost_days as (
    select
        paid_date,
        sum(net_revenue_cny) as net_revenue_cny,
        sum(cogs_cny) as cogs_cny,
        sum(shipping_cost_cny) as shipping_cost_cny
    from paid_orders
    group by paid_date
),

spend_days as (
    select
        spend_date,
        sum(spend_cny) as spend_cny
    from ad_spend
    group by spend_date
),

-- Net margin's day: the orders' revenue, costs and shipping beside the day's ad spend.
margin_days as (
    select
        coalesce(order_cost_days.paid_date, spend_days.spend_date) as date_day,
        coalesce(order_cost_days.net_revenue_cny, 0) as net_revenue_cny,
        coalesce(order_cost_days.net_revenue_cny, 0)
        - coalesce(order_cost_days.cogs_cny, 0)
        - coalesce(order_cost_days.shipping_cost_cny, 0)
        - coalesce(spend_days.spend_cny, 0) as net_profit_cny
    from order_cost_days
    full outer join spend_days
        on order_cost_days.paid_date = spend_days.spend_date
),

day_rows as (
    {%- set steps = [
        ('landing_to_product_view_rate', 'product_view_sessions', 'sessions'),
        ('product_view_to_cart_rate', 'add_to_cart_sessions', 'product_view_sessions'),
        ('cart_to_checkout_rate', 'checkout_sessions', 'add_to_cart_sessions'),
        ('checkout_to_payment_rate', 'payment_sessions', 'checkout_sessions'),
        ('cart_to_payment_rate', 'payment_sessions', 'add_to_cart_sessions'),
        ('session_conversion_rate', 'payment_sessions', 'sessions'),
    ] %}
    {%- set slices = [
        ('total', "'all'", none),
        ('channel', 'channel', none),
        ('device', 'device', none),
        ('campaign', 'campaign_id', 'campaign_id is not null'),
    ] %}
    {%- for kpi_id, numerator, denominator in steps %}
        {%- set outer_loop = loop %}
        {%- for slice_kind, slice_value, where in slices %}
            {%- if not (outer_loop.first and loop.first) %}
                union all
            {%- endif %}
    {{ kpi_day_rows(
        kpi_id, 'funnel_days', numerator, denominator, slice_kind=slice_kind,
        slice_value=slice_value, where=where
    ) }}
        {%- endfor %}
    {%- endfor %}
    union all
    {{ kpi_day_rows(
        'order_to_payment_rate', 'orders', 'case when is_paid then 1 else 0 end', '1',
        date_column='order_date'
    ) }}
    union all
    {{ kpi_day_rows(
        'first_purchase_conversion_rate', 'traffic_days',
        'new_visitors_buying_within_window', 'new_visitors'
    ) }}
    union all
    {{ kpi_day_rows('paid_orders', 'paid_orders', '1', date_column='paid_date') }}
    union all
    {{ kpi_day_rows('gmv', 'paid_orders', 'gmv_cny', date_column='paid_date') }}
    union all
    {{ kpi_day_rows(
        'gross_item_revenue', 'paid_orders', 'gross_item_revenue_cny', date_column='paid_date'
    ) }}
    union all
    {{ kpi_day_rows('net_revenue', 'paid_orders', 'net_revenue_cny', date_column='paid_date') }}
    union all
    {{ kpi_day_rows('aov', 'paid_orders', 'net_revenue_cny', '1', date_column='paid_date') }}
    union all
    {{ kpi_day_rows(
        'gross_margin_rate', 'paid_orders', 'gross_margin_cny', 'net_revenue_cny',
        date_column='paid_date'
    ) }}
    union all
    {{ kpi_day_rows(
        'logistics_cost_per_order', 'paid_orders', 'shipping_cost_cny', '1',
        date_column='paid_date'
    ) }}
    union all
    {{ kpi_day_rows('net_margin_rate', 'margin_days', 'net_profit_cny', 'net_revenue_cny') }}
    union all
    {{ kpi_day_rows(
        'paid_orders', 'channel_days', 'attributed_orders', slice_kind='channel',
        slice_value='channel'
    ) }}
    union all
    {{ kpi_day_rows(
        'gmv', 'channel_days', 'attributed_gmv_cny', slice_kind='channel', slice_value='channel'
    ) }}
    union all
    {{ kpi_day_rows(
        'net_revenue', 'channel_days', 'attributed_net_revenue_cny', slice_kind='channel',
        slice_value='channel'
    ) }}
    union all
    {{ kpi_day_rows(
        'aov', 'channel_days', 'attributed_net_revenue_cny', 'attributed_orders',
        slice_kind='channel', slice_value='channel'
    ) }}
    union all
    {{ kpi_day_rows(
        'paid_orders', 'category_days', 'paid_orders', slice_kind='category',
        slice_value='category', date_column='paid_date'
    ) }}
    union all
    {{ kpi_day_rows(
        'gmv', 'category_days', 'gmv_cny', slice_kind='category', slice_value='category',
        date_column='paid_date'
    ) }}
    union all
    {{ kpi_day_rows(
        'net_revenue', 'category_days', 'net_revenue_cny', slice_kind='category',
        slice_value='category', date_column='paid_date'
    ) }}
    union all
    {{ kpi_day_rows(
        'gross_margin_rate', 'category_days', 'gross_margin_cny', 'net_revenue_cny',
        slice_kind='category', slice_value='category', date_column='paid_date'
    ) }}
),

-- Buying customers: distinct customers with a paid order in the day, ISO week or month.
buying_customers as (
    {%- for grain in ['day', 'week', 'month'] %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            'buying_customers' as kpi_id,
            '{{ grain }}' as period_grain,
            cast({{ dbt.date_trunc(grain, 'paid_date') }} as date) as period_start_date,
            'total' as slice_kind,
            'all' as slice_value,
            count(distinct customer_id) as numerator,
            null as denominator
        from paid_orders
        group by {{ dbt.date_trunc(grain, 'paid_date') }}
    {%- endfor %}
),

final as (
    {{ kpi_day_rollup('day_rows') }}
    union all
    {{ kpi_measures('buying_customers') }}
)

select * from final
