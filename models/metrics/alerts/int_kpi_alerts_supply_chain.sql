-- Supply-chain alerts 供應鏈預警 (catalogue section 6), one row per rule x slice x period
-- judged: a product whose stock on hand at the end of a day is below its safety stock, from
-- the flag snap_inventory_days raises; critical when none is left (a stock-out loses sales).

with

rules as (
    select * from {{ ref('kpi_alert_rules') }}
),

inventory_days as (
    select * from {{ ref('snap_inventory_days') }}
),

below_safety_stock as (
    select
        {{ kpi_alert_evaluation(
            'below_safety_stock', 'rules.kpi_id', 'rules.slice_kind',
            'inventory_days.product_id', 'rules.period_grain', 'inventory_days.snapshot_date',
            dbt.dateadd('day', 1, 'inventory_days.snapshot_date'),
            value='inventory_days.on_hand_qty',
            threshold='inventory_days.safety_stock_qty',
            is_condition_met='inventory_days.is_below_safety_stock',
            severity="case when inventory_days.is_stock_out then 'critical' end",
            detail='inventory_days.category'
        ) }}
    from inventory_days
    inner join rules
        on rules.rule_id = 'below_safety_stock'
),

final as (
    select * from below_safety_stock
)

select * from final
