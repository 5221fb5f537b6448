-- Clean inventory snapshots: rows of base_shop__inventory_snapshots that broke no rule.

with

checked as (
    select * from {{ ref('base_shop__inventory_snapshots') }}
),

final as (
    select
        snapshot_date,
        product_id,
        on_hand_qty,
        safety_stock_qty
    from checked
    where dq_rule is null
)

select * from final
