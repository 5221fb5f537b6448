-- Stock-out days by product and month, for the products that ran out that month (months
-- without a stock-out have no row). One row per product and month with a stock-out.
-- Evidence writes no file for an empty result, and a site whose table has no file fails to
-- load: when there is no such row the table holds one row of nulls (product_id is null),
-- which the pages skip.
with

found as (
    select
        cast(date_trunc('month', i.snapshot_date) as date) as month_start_date,
        i.product_id,
        p.product_name,
        i.product_id || ' ' || p.product_name as product_label,
        i.category,
        c.name_en as category_name_en,
        c.name_zh as category_name_zh,
        count(*) as stock_out_days
    from marts.snap_inventory_days as i
    inner join marts.dim_products as p
        on i.product_id = p.product_id
    left join reference.code_labels as c
        on c.label_kind = 'product_category' and i.category = c.code
    where i.is_stock_out
    group by all
)

select found.*
from (select 1 as anchor) as anchor
left join found
    on true
order by found.month_start_date, found.product_id
