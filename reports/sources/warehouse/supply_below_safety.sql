-- The replenishment list: products below their safety stock on the last snapshot day, with
-- stock on hand, the safety stock, and how many days in a row they have been below it. One
-- row per product below safety stock that day.
-- Evidence writes no file for an empty result, and a site whose table has no file fails to
-- load: when there is no such row the table holds one row of nulls (product_id is null),
-- which the pages skip.
with

last_day as (
    select max(snapshot_date) as snapshot_date
    from marts.snap_inventory_days
),

latest_above as (
    -- The last day each product was at or above its safety stock.
    select
        product_id,
        max(snapshot_date) as last_day_above
    from marts.snap_inventory_days
    where not is_below_safety_stock
    group by product_id
),

first_seen as (
    select
        product_id,
        min(snapshot_date) as first_snapshot_date
    from marts.snap_inventory_days
    group by product_id
),

found as (
    select
        i.snapshot_date,
        i.product_id,
        p.product_name,
        i.category,
        c.name_en as category_name_en,
        c.name_zh as category_name_zh,
        c.display_order as category_order,
        i.on_hand_qty,
        i.safety_stock_qty,
        i.safety_stock_qty - i.on_hand_qty as shortfall_qty,
        i.is_stock_out,
        cast(
            i.snapshot_date - coalesce(a.last_day_above, f.first_snapshot_date - 1) as integer
        ) as days_below
    from marts.snap_inventory_days as i
    inner join last_day as l
        on i.snapshot_date = l.snapshot_date
    inner join marts.dim_products as p
        on i.product_id = p.product_id
    left join reference.code_labels as c
        on c.label_kind = 'product_category' and i.category = c.code
    left join latest_above as a
        on i.product_id = a.product_id
    left join first_seen as f
        on i.product_id = f.product_id
    where i.is_below_safety_stock
)

select found.*
from (select 1 as anchor) as anchor
left join found
    on true
order by found.is_stock_out desc, found.shortfall_qty desc, found.product_id
