-- One row per clean order line, with the order's discount and refunds allocated to it and
-- its cost of goods. fct_order_items and fct_orders both read this, so every money figure is
-- computed once. Allocation is pro rata to the line's amount after its own discount; the last
-- line takes the rounding remainder, so lines always sum to the order to the cent.

with

orders as (
    select * from {{ ref('stg_shop__orders') }}
),

order_items as (
    select * from {{ ref('stg_shop__order_items') }}
),

products as (
    select * from {{ ref('stg_shop__products') }}
),

refunds as (
    select * from {{ ref('stg_shop__refunds') }}
),

lines as (
    select
        order_items.order_id,
        order_items.line_number,
        order_items.product_id,
        products.category,
        order_items.quantity,
        order_items.unit_price_cny,
        products.unit_cost_cny,
        order_items.quantity * order_items.unit_price_cny as gross_item_revenue_cny,
        order_items.discount_amount_cny as line_discount_cny,
        order_items.quantity * order_items.unit_price_cny
        - order_items.discount_amount_cny as line_amount_cny,
        order_items.quantity * products.unit_cost_cny as cogs_cny,
        orders.discount_amount_cny as order_discount_cny
    from order_items
    -- Clean lines always have a kept order and product (staging quarantines the rest).
    inner join orders
        on order_items.order_id = orders.order_id
    inner join products
        on order_items.product_id = products.product_id
),

lines_ranked as (
    select
        lines.*,
        sum(lines.line_amount_cny) over (partition by lines.order_id) as order_line_amount_cny,
        row_number() over (
            partition by lines.order_id order by lines.line_number desc
        ) as line_rank_from_last,
        sum(lines.line_amount_cny) over (
            partition by lines.order_id, lines.product_id
        ) as product_line_amount_cny,
        row_number() over (
            partition by lines.order_id, lines.product_id order by lines.line_number desc
        ) as product_line_rank_from_last
    from lines
),

order_products as (
    select distinct
        lines.order_id,
        lines.product_id
    from lines
),

-- A refund naming a product that is on the order goes to that product's lines; a refund of
-- the whole order (or of a product not on it) is spread over all lines of the order.
refunds_classified as (
    select
        refunds.order_id,
        case when order_products.product_id is not null then refunds.product_id end as product_id,
        refunds.refund_amount_cny
    from refunds
    left join order_products
        on
            refunds.order_id = order_products.order_id
            and refunds.product_id = order_products.product_id
),

product_refunds as (
    select
        refunds_classified.order_id,
        refunds_classified.product_id,
        sum(refunds_classified.refund_amount_cny) as refund_cny
    from refunds_classified
    where refunds_classified.product_id is not null
    group by refunds_classified.order_id, refunds_classified.product_id
),

order_refunds as (
    select
        refunds_classified.order_id,
        sum(refunds_classified.refund_amount_cny) as refund_cny
    from refunds_classified
    where refunds_classified.product_id is null
    group by refunds_classified.order_id
),

shares as (
    select
        lines_ranked.*,
        coalesce(
            {{ safe_divide('lines_ranked.line_amount_cny', 'lines_ranked.order_line_amount_cny') }},
            0
        ) as order_share,
        coalesce(
            {{ safe_divide(
                'lines_ranked.line_amount_cny', 'lines_ranked.product_line_amount_cny'
            ) }},
            0
        ) as product_share,
        coalesce(product_refunds.refund_cny, 0) as product_refund_cny,
        coalesce(order_refunds.refund_cny, 0) as order_refund_cny
    from lines_ranked
    left join product_refunds
        on
            lines_ranked.order_id = product_refunds.order_id
            and lines_ranked.product_id = product_refunds.product_id
    left join order_refunds
        on lines_ranked.order_id = order_refunds.order_id
),

allocated as (
    select
        shares.*,
        {{ allocate_pro_rata(
            'shares.order_discount_cny', 'shares.order_share',
            'shares.line_rank_from_last', 'shares.order_id'
        ) }} as order_discount_allocated_cny,
        {{ allocate_pro_rata(
            'shares.order_refund_cny', 'shares.order_share',
            'shares.line_rank_from_last', 'shares.order_id'
        ) }} as order_refund_allocated_cny,
        {{ allocate_pro_rata(
            'shares.product_refund_cny', 'shares.product_share',
            'shares.product_line_rank_from_last', 'shares.order_id, shares.product_id'
        ) }} as product_refund_allocated_cny
    from shares
),

final as (
    select
        allocated.order_id,
        allocated.line_number,
        allocated.product_id,
        allocated.category,
        allocated.quantity,
        allocated.unit_price_cny,
        allocated.unit_cost_cny,
        allocated.gross_item_revenue_cny,
        allocated.line_discount_cny,
        cast(allocated.order_discount_allocated_cny as decimal(18, 2))
            as order_discount_allocated_cny,
        cast(allocated.line_discount_cny + allocated.order_discount_allocated_cny as decimal(18, 2))
            as discount_cny,
        cast(
            allocated.gross_item_revenue_cny
            - allocated.line_discount_cny
            - allocated.order_discount_allocated_cny
            as decimal(18, 2)
        ) as gmv_cny,
        cast(
            allocated.order_refund_allocated_cny + allocated.product_refund_allocated_cny
            as decimal(18, 2)
        ) as refund_cny,
        cast(
            allocated.gross_item_revenue_cny
            - allocated.line_discount_cny
            - allocated.order_discount_allocated_cny
            - allocated.order_refund_allocated_cny
            - allocated.product_refund_allocated_cny
            as decimal(18, 2)
        ) as net_revenue_cny,
        cast(allocated.cogs_cny as decimal(18, 2)) as cogs_cny
    from allocated
)

select * from final
