-- Every stock-out of a product: a run of consecutive days it had nothing on hand
-- (marts.snap_inventory_days), with the product's name and category, the campaign whose
-- burst-to-end window it overlaps (if any), and the sales it likely missed: its days out
-- times the product's pace of the 28 days before the run (paid units and GMV per day; a
-- floor when the run falls in a campaign, or in the data's first 28 days). One row per
-- product and stock-out run.
-- Evidence writes no file for an empty result, and a site whose table has no file fails to
-- load: when there is no such row the table holds one row of nulls (product_id is null),
-- which the pages skip.
with

out_days as (
    select
        product_id,
        snapshot_date,
        snapshot_date - cast(
            row_number() over (partition by product_id order by snapshot_date) as integer
        ) as run_key
    from marts.snap_inventory_days
    where is_stock_out
),

spells as (
    select
        product_id,
        min(snapshot_date) as first_day,
        max(snapshot_date) as last_day,
        count(*) as days_out
    from out_days
    group by product_id, run_key
),

paid_days as (
    select
        product_id,
        paid_date,
        sum(quantity) as units,
        sum(gmv_cny) as gmv_cny
    from marts.fct_order_items
    where is_paid
    group by product_id, paid_date
),

paced as (
    select
        s.product_id,
        s.first_day,
        coalesce(sum(d.units), 0) / 28.0 as units_per_day_before,
        coalesce(sum(d.gmv_cny), 0) / 28.0 as gmv_per_day_before
    from spells as s
    left join paid_days as d
        on
            s.product_id = d.product_id
            and d.paid_date >= s.first_day - interval 28 day
            and d.paid_date < s.first_day
    group by s.product_id, s.first_day
),

campaign_windows as (
    select
        c.campaign_event,
        min(c.burst_start_date) as burst_start_date,
        max(c.end_date) as end_date
    from marts.dim_campaigns as c
    where c.campaign_event is not null
    group by c.campaign_event, year(c.burst_start_date)
),

campaign_overlaps as (
    select
        s.product_id,
        s.first_day,
        min(e.event_name_en) as campaign_name_en,
        min(e.event_name_zh) as campaign_name_zh
    from spells as s
    inner join campaign_windows as w
        on s.first_day <= w.end_date and s.last_day >= w.burst_start_date
    inner join (
        select distinct campaign_event, event_name_en, event_name_zh
        from reference.campaign_events
    ) as e
        on w.campaign_event = e.campaign_event
    group by s.product_id, s.first_day
),

data_end as (
    select max(snapshot_date) as last_snapshot_date
    from marts.snap_inventory_days
),

found as (
    select
        s.product_id,
        p.product_name,
        p.category,
        c.name_en as category_name_en,
        c.name_zh as category_name_zh,
        s.first_day,
        s.last_day,
        s.days_out,
        s.last_day = data_end.last_snapshot_date as is_open_at_data_end,
        o.campaign_name_en,
        o.campaign_name_zh,
        k.units_per_day_before,
        k.units_per_day_before * s.days_out as units_missed_estimate,
        k.gmv_per_day_before * s.days_out as gmv_missed_estimate_cny
    from spells as s
    inner join marts.dim_products as p
        on s.product_id = p.product_id
    left join reference.code_labels as c
        on c.label_kind = 'product_category' and p.category = c.code
    left join paced as k
        on s.product_id = k.product_id and s.first_day = k.first_day
    left join campaign_overlaps as o
        on s.product_id = o.product_id and s.first_day = o.first_day
    cross join data_end
)

select found.*
from (select 1 as anchor) as anchor
left join found
    on true
order by found.first_day, found.product_id
