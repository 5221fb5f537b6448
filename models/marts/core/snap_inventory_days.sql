-- One row per day x product of stock on hand, with stock-out and safety-stock flags and the
-- stock's value at unit cost.

with

inventory_snapshots as (
    select * from {{ ref('stg_shop__inventory_snapshots') }}
),

products as (
    select * from {{ ref('stg_shop__products') }}
),

final as (
    select
        {{ surrogate_key(['inventory_snapshots.snapshot_date', 'inventory_snapshots.product_id']) }}
            as inventory_snapshot_id,
        inventory_snapshots.snapshot_date,
        inventory_snapshots.product_id,
        products.category,
        inventory_snapshots.on_hand_qty,
        inventory_snapshots.safety_stock_qty,
        inventory_snapshots.on_hand_qty <= 0 as is_stock_out,
        inventory_snapshots.on_hand_qty < inventory_snapshots.safety_stock_qty
            as is_below_safety_stock,
        cast(inventory_snapshots.on_hand_qty * products.unit_cost_cny as decimal(18, 2))
            as inventory_value_cny
    from inventory_snapshots
    inner join products
        on inventory_snapshots.product_id = products.product_id
)

select * from final
