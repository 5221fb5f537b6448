-- The core KPIs computed straight from the raw parquet files with one DuckDB script: what a
-- user who knows SQL would write instead of the dbt project. bench/kpis_duckdb.py creates a
-- view per raw table (orders, order_items, refunds, sessions, events, ad_spend) over the
-- folder's parquet, runs this script and writes the four kpi_* tables out.
-- The definitions are the marts' (models/marts): paid orders, last-touch attribution over
-- the customer's human sessions in the 7-day lookback, RFM quintiles, funnel steps, ROI.
-- No data-quality quarantine: the generated data is clean.

-- Paid orders with their GMV and net revenue (lines less line and order discounts, less
-- refunds), times in shop time (Asia/Shanghai).
create or replace temp table paid_orders as
with

line_totals as (
    select
        order_id,
        sum(quantity * unit_price - coalesce(discount_amount, 0)) as line_amount
    from order_items
    group by order_id
),

refund_totals as (
    select
        order_id,
        sum(refund_amount) as refund_amount
    from refunds
    group by order_id
)

select
    orders.order_id,
    orders.customer_id,
    orders.session_id,
    timezone('Asia/Shanghai', cast(orders.ordered_at as timestamptz)) as ordered_at,
    cast(timezone('Asia/Shanghai', cast(orders.paid_at as timestamptz)) as date) as paid_date,
    case
        when line_totals.order_id is null then 0
        else line_totals.line_amount - coalesce(orders.discount_amount, 0)
    end as gmv,
    case
        when line_totals.order_id is null then 0
        else
            line_totals.line_amount - coalesce(orders.discount_amount, 0)
            - coalesce(refund_totals.refund_amount, 0)
    end as net_revenue
from orders
left join line_totals on orders.order_id = line_totals.order_id
left join refund_totals on orders.order_id = refund_totals.order_id
where
    orders.paid_at is not null
    and orders.status in ('paid', 'shipped', 'delivered', 'refunded');

-- Sessions with the furthest funnel step reached and the bot flag (tracker flag, or 5+
-- events within 2 seconds).
create or replace temp table visits as
with

session_events as (
    select
        session_id,
        count(*) as event_count,
        max(
            case event_type
                when 'product_view' then 2
                when 'add_to_cart' then 3
                when 'checkout' then 4
                when 'payment' then 5
                else 1
            end
        ) as funnel_step,
        date_diff('second', min(occurred_at), max(occurred_at)) as span_seconds
    from (
        select
            session_id,
            event_type,
            timezone('Asia/Shanghai', cast(occurred_at as timestamptz)) as occurred_at
        from events
    )
    group by session_id
)

select
    sessions.session_id,
    sessions.visitor_id,
    sessions.customer_id,
    sessions.channel,
    timezone('Asia/Shanghai', cast(sessions.started_at as timestamptz)) as started_at,
    coalesce(session_events.funnel_step, 1) as funnel_step,
    coalesce(sessions.is_bot, false)
    or coalesce(session_events.event_count >= 5 and session_events.span_seconds <= 2, false)
        as is_bot
from sessions
left join session_events on sessions.session_id = session_events.session_id;

-- Anonymous devices stitched to the one customer who logged in on them (no other customer
-- identified on the device by a login or an order placed in one of its sessions).
create or replace temp table stitched_visitors as
with

identities as (
    select visitor_id, customer_id, started_at as logged_in_at
    from visits
    where not is_bot and customer_id is not null
    union all
    select visits.visitor_id, orders.customer_id, null as logged_in_at
    from orders
    inner join visits on orders.session_id = visits.session_id and not visits.is_bot
)

select visitor_id, min(customer_id) as customer_id
from identities
group by visitor_id
having count(distinct customer_id) = 1 and min(logged_in_at) is not null;

-- Last touch of each paid order: the latest human session of the customer (logged in or
-- on a stitched device) or the order's own session, started within 7 days before the order.
create or replace temp table last_touch as
with

customer_visits as (
    select customer_id, session_id, channel, started_at
    from visits
    where not is_bot and customer_id is not null
    union all
    select stitched_visitors.customer_id, visits.session_id, visits.channel, visits.started_at
    from visits
    inner join stitched_visitors on visits.visitor_id = stitched_visitors.visitor_id
    where not visits.is_bot and visits.customer_id is null
),

touches as (
    select paid_orders.order_id, customer_visits.session_id, customer_visits.channel,
        customer_visits.started_at
    from paid_orders
    inner join customer_visits on paid_orders.customer_id = customer_visits.customer_id
    where customer_visits.started_at between paid_orders.ordered_at - interval 7 day
        and paid_orders.ordered_at
    union
    select paid_orders.order_id, visits.session_id, visits.channel, visits.started_at
    from paid_orders
    inner join visits on paid_orders.session_id = visits.session_id
    where not visits.is_bot
        and visits.started_at between paid_orders.ordered_at - interval 7 day
        and paid_orders.ordered_at
)

select order_id, channel
from touches
qualify row_number() over (
    partition by order_id order by started_at desc, session_id desc
) = 1;

create or replace temp table attributed as
select paid_orders.*, coalesce(last_touch.channel, 'unattributed') as channel
from paid_orders
left join last_touch on paid_orders.order_id = last_touch.order_id;

-- KPI 1: daily GMV by channel (last touch).
create or replace temp table kpi_gmv_channel_days as
select
    paid_date as date_day,
    channel,
    count(*) as paid_orders,
    sum(gmv) as gmv_cny
from attributed
group by paid_date, channel;

-- KPI 2: RFM scores per customer as of the last day with a paid order; a score is
-- 1 + floor(5 x rows with a strictly worse value / rows).
create or replace temp table kpi_customer_rfm as
with

customers as (
    select
        customer_id,
        (select max(paid_date) from paid_orders) - max(paid_date) as recency_days,
        count(*) as frequency,
        cast(sum(net_revenue) as decimal(18, 2)) as monetary_cny
    from paid_orders
    group by customer_id
)

select
    customer_id,
    recency_days,
    frequency,
    monetary_cny,
    cast(1 + floor(5 * (rank() over (order by recency_days desc) - 1) / count(*) over ())
        as integer) as r_score,
    cast(1 + floor(5 * (rank() over (order by frequency) - 1) / count(*) over ())
        as integer) as f_score,
    cast(1 + floor(5 * (rank() over (order by monetary_cny) - 1) / count(*) over ())
        as integer) as m_score
from customers;

-- KPI 3: funnel step counts by day and channel (human sessions reaching each step).
create or replace temp table kpi_funnel_channel_days as
select
    cast(started_at as date) as date_day,
    channel,
    count(*) filter (where not is_bot) as sessions,
    count(*) filter (where not is_bot and funnel_step >= 2) as product_view_sessions,
    count(*) filter (where not is_bot and funnel_step >= 3) as add_to_cart_sessions,
    count(*) filter (where not is_bot and funnel_step >= 4) as checkout_sessions,
    count(*) filter (where not is_bot and funnel_step >= 5) as payment_sessions,
    count(*) filter (where is_bot) as bot_sessions
from visits
group by all;

-- KPI 4: channel ROI by month: last-touch net revenue / ad spend.
create or replace temp table kpi_roi_channel_months as
with

spend as (
    select
        date_trunc('month', cast(spend_date as date)) as month_start_date,
        channel,
        sum(spend) as spend_cny
    from ad_spend
    group by all
),

revenue as (
    select
        date_trunc('month', paid_date) as month_start_date,
        channel,
        count(*) as paid_orders,
        sum(net_revenue) as net_revenue_cny
    from attributed
    group by all
)

select
    cast(coalesce(spend.month_start_date, revenue.month_start_date) as date) as month_start_date,
    coalesce(spend.channel, revenue.channel) as channel,
    coalesce(spend.spend_cny, 0) as spend_cny,
    coalesce(revenue.net_revenue_cny, 0) as attributed_net_revenue_cny,
    coalesce(revenue.net_revenue_cny, 0) / nullif(spend.spend_cny, 0) as roi
from spend
full outer join revenue
    on spend.month_start_date = revenue.month_start_date and spend.channel = revenue.channel
where coalesce(spend.spend_cny, 0) > 0 or coalesce(revenue.paid_orders, 0) > 0;
