-- One row per order (every status). Money columns are the order's own figures whatever its
-- status; KPIs about sales filter is_paid (see DECISIONLOG.md "Paid order").

-- Loaded incrementally: a run re-computes every order of the customers with an order placed,
-- paid or refunded in the late-arrival window or not held yet (so each customer's paid-order
-- sequence is numbered over all their orders); see macros/incremental.sql.
-- depends_on: {{ ref('stg_shop__refunds') }}

{{ config(
    materialized=incremental_materialization(),
    incremental_strategy=incremental_strategy(),
    unique_key='order_id',
) }}

{%- set window_start = late_window_start('order_date', where=none) %}

with

orders as (
    select * from {{ ref('stg_shop__orders') }}
    {%- if loads_incrementally() %}
        where customer_id in (
            select customer_orders.customer_id
            from {{ ref('stg_shop__orders') }} as customer_orders
            where customer_orders.order_id in ({{ orders_changed_since(window_start) }})
        )
    {%- endif %}
),

sessions as (
    select * from {{ ref('stg_shop__sessions') }}
),

order_lines as (
    select * from {{ ref('int_order_lines_allocated') }}
    {%- if loads_incrementally() %}
        where order_id in (select orders.order_id from orders)
    {%- endif %}
),

order_totals as (
    select
        order_lines.order_id,
        count(*) as line_count,
        sum(order_lines.quantity) as units,
        sum(order_lines.gross_item_revenue_cny) as gross_item_revenue_cny,
        sum(order_lines.discount_cny) as discount_cny,
        sum(order_lines.gmv_cny) as gmv_cny,
        sum(order_lines.refund_cny) as refund_cny,
        sum(order_lines.net_revenue_cny) as net_revenue_cny,
        sum(order_lines.cogs_cny) as cogs_cny
    from order_lines
    group by order_lines.order_id
),

orders_joined as (
    select
        orders.order_id,
        orders.customer_id,
        orders.session_id,
        sessions.session_id is not null as has_tracked_session,
        sessions.channel as session_channel,
        sessions.campaign_id as session_campaign_id,
        sessions.device as session_device,
        orders.platform,
        orders.status,
        orders.is_paid,
        orders.coupon_code,
        orders.ordered_at,
        cast(orders.ordered_at as date) as order_date,
        orders.paid_at,
        cast(orders.paid_at as date) as paid_date,
        orders.shipped_at,
        orders.delivered_at,
        coalesce(order_totals.line_count, 0) as line_count,
        coalesce(order_totals.units, 0) as units,
        cast(coalesce(order_totals.gross_item_revenue_cny, 0) as decimal(18, 2))
            as gross_item_revenue_cny,
        cast(coalesce(order_totals.discount_cny, 0) as decimal(18, 2)) as discount_cny,
        cast(coalesce(order_totals.gmv_cny, 0) as decimal(18, 2)) as gmv_cny,
        cast(coalesce(order_totals.refund_cny, 0) as decimal(18, 2)) as refund_cny,
        cast(coalesce(order_totals.net_revenue_cny, 0) as decimal(18, 2)) as net_revenue_cny,
        cast(coalesce(order_totals.cogs_cny, 0) as decimal(18, 2)) as cogs_cny,
        orders.shipping_fee_cny,
        cast(
            case
                when orders.shipped_at is not null then {{ var('shipping_cost_per_order_cny') }}
                else 0
            end as decimal(18, 2)
        ) as shipping_cost_cny
    from orders
    left join order_totals
        on orders.order_id = order_totals.order_id
    left join sessions
        on orders.session_id = sessions.session_id
),

sequenced as (
    select
        orders_joined.*,
        case
            when orders_joined.is_paid
                then row_number() over (
                        partition by orders_joined.customer_id, orders_joined.is_paid
                        order by orders_joined.paid_at, orders_joined.order_id
                    )
        end as paid_order_number,
        case
            when orders_joined.is_paid
                then lag(orders_joined.paid_at) over (
                        partition by orders_joined.customer_id, orders_joined.is_paid
                        order by orders_joined.paid_at, orders_joined.order_id
                    )
        end as previous_paid_at
    from orders_joined
),

final as (
    select
        sequenced.order_id,
        sequenced.customer_id,
        sequenced.session_id,
        sequenced.has_tracked_session,
        sequenced.session_channel,
        sequenced.session_campaign_id,
        sequenced.session_device,
        sequenced.platform,
        sequenced.status,
        sequenced.is_paid,
        sequenced.paid_order_number,
        coalesce(sequenced.paid_order_number = 1, false) as is_first_paid_order,
        {{ dbt.datediff('sequenced.previous_paid_at', 'sequenced.paid_at', 'day') }}
            as days_since_previous_paid_order,
        sequenced.coupon_code,
        sequenced.ordered_at,
        sequenced.order_date,
        sequenced.paid_at,
        sequenced.paid_date,
        sequenced.shipped_at,
        sequenced.delivered_at,
        sequenced.line_count,
        sequenced.units,
        sequenced.gross_item_revenue_cny,
        sequenced.discount_cny,
        sequenced.gmv_cny,
        sequenced.refund_cny,
        sequenced.refund_cny > 0 as has_refund,
        sequenced.net_revenue_cny,
        sequenced.cogs_cny,
        cast(sequenced.net_revenue_cny - sequenced.cogs_cny as decimal(18, 2))
            as gross_margin_cny,
        sequenced.shipping_fee_cny,
        sequenced.shipping_cost_cny,
        {{ days_between('sequenced.paid_at', 'sequenced.delivered_at') }} as fulfilment_days
    from sequenced
)

select * from final
