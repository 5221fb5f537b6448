-- One row per paid order x attribution model x credited touch. Every paid order is credited
-- exactly once per model: its weights sum to exactly 1 and its attributed amounts sum to the
-- order's own. Touches are the customer's non-bot sessions (logged in, or anonymous visits
-- of a device stitched to them) that started within var attribution_lookback_days before the
-- order (plus the order's own session), each session once; an order with none is credited
-- to channel 'unattributed'. Weights are decimals (10 places, the last credited touch taking
-- the remainder), so credit summed downstream is exact and the same whatever order the rows
-- are added in.

with

orders as (
    select * from {{ ref('fct_orders') }}
),

customer_sessions as (
    select * from {{ ref('int_customer_sessions') }}
),

paid_orders as (
    select
        orders.order_id,
        orders.customer_id,
        orders.session_id,
        orders.ordered_at,
        orders.paid_date,
        orders.is_first_paid_order,
        orders.gmv_cny,
        orders.net_revenue_cny,
        orders.gross_margin_cny
    from orders
    where orders.is_paid
),

-- The customer's sessions (logged in or stitched by visitor) and the order's own session
-- (which may not be logged in), in the lookback window. A session linked two ways (stitched
-- and the order's own) is one touch: distinct.
touches as (
    select distinct
        paid_orders.order_id,
        customer_sessions.session_id,
        customer_sessions.channel,
        customer_sessions.campaign_id,
        customer_sessions.started_at
    from paid_orders
    inner join customer_sessions
        on
            paid_orders.customer_id = customer_sessions.customer_id
            and (
                customer_sessions.order_id is null
                or paid_orders.order_id = customer_sessions.order_id
            )
    where {{ is_within_lookback('customer_sessions.started_at', 'paid_orders.ordered_at') }}
),

touches_ranked as (
    select
        touches.*,
        row_number() over (
            partition by touches.order_id
            order by touches.started_at, touches.session_id
        ) as touch_number,
        row_number() over (
            partition by touches.order_id
            order by touches.started_at desc, touches.session_id desc
        ) as touch_rank_from_last,
        count(*) over (partition by touches.order_id) as touches_in_window
    from touches
),

credited as (
    select
        'last_touch' as attribution_model,
        touches_ranked.*,
        1.0 as credit_share,
        1 as rank_from_last_credited
    from touches_ranked
    where touches_ranked.touch_rank_from_last = 1
    union all
    select
        'first_touch' as attribution_model,
        touches_ranked.*,
        1.0 as credit_share,
        1 as rank_from_last_credited
    from touches_ranked
    where touches_ranked.touch_number = 1
    union all
    select
        'linear' as attribution_model,
        touches_ranked.*,
        {{ double_divide('1.0', 'touches_ranked.touches_in_window') }} as credit_share,
        touches_ranked.touch_rank_from_last as rank_from_last_credited
    from touches_ranked
),

models as (
    select 'last_touch' as attribution_model
    union all
    select 'first_touch' as attribution_model
    union all
    select 'linear' as attribution_model
),

credited_with_orders as (
    select
        models.attribution_model,
        paid_orders.order_id,
        paid_orders.customer_id,
        paid_orders.paid_date,
        paid_orders.is_first_paid_order,
        paid_orders.gmv_cny,
        paid_orders.net_revenue_cny,
        paid_orders.gross_margin_cny,
        credited.session_id,
        coalesce(credited.channel, 'unattributed') as channel,
        credited.campaign_id,
        credited.started_at as touch_started_at,
        credited.touch_number,
        coalesce(credited.touches_in_window, 0) as touches_in_window,
        coalesce(credited.credit_share, 1.0) as credit_share,
        coalesce(credited.rank_from_last_credited, 1) as rank_from_last_credited
    from paid_orders
    cross join models
    left join credited
        on
            paid_orders.order_id = credited.order_id
            and models.attribution_model = credited.attribution_model
),

-- The weight is the share to 10 decimals, the last credited touch taking the remainder.
weighted as (
    select
        credited_with_orders.*,
        cast({{ allocate_pro_rata(
            '1', 'credited_with_orders.credit_share',
            'credited_with_orders.rank_from_last_credited',
            'credited_with_orders.order_id, credited_with_orders.attribution_model',
            scale=10
        ) }} as decimal(38, 10)) as weight
    from credited_with_orders
),

final as (
    select
        {{ surrogate_key([
            'weighted.order_id',
            'weighted.attribution_model',
            'weighted.session_id',
        ]) }} as order_attribution_id,
        weighted.order_id,
        weighted.attribution_model,
        weighted.customer_id,
        weighted.paid_date,
        weighted.is_first_paid_order,
        weighted.session_id,
        weighted.channel,
        weighted.campaign_id,
        weighted.touch_started_at,
        weighted.touch_number,
        weighted.touches_in_window,
        weighted.weight,
        {{ allocate_pro_rata(
            'weighted.gmv_cny', 'weighted.weight',
            'weighted.rank_from_last_credited',
            'weighted.order_id, weighted.attribution_model'
        ) }} as attributed_gmv_cny,
        {{ allocate_pro_rata(
            'weighted.net_revenue_cny', 'weighted.weight',
            'weighted.rank_from_last_credited',
            'weighted.order_id, weighted.attribution_model'
        ) }} as attributed_net_revenue_cny,
        {{ allocate_pro_rata(
            'weighted.gross_margin_cny', 'weighted.weight',
            'weighted.rank_from_last_credited',
            'weighted.order_id, weighted.attribution_model'
        ) }} as attributed_gross_margin_cny
    from weighted
)

select * from final
