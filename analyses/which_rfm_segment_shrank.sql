-- Which RFM segment shrank? 哪個RFM客群縮小了
--
-- Customers per RFM segment at this month's snapshot against last month's (snapshots of
-- snap_customer_rfm_months, each scored among the buyers of its month end), the change and
-- the segment's share of all buyers, biggest shrink first, with the segment's names and
-- prescribed action (seed rfm_segments). The flows come from agg_rfm_segment_moves:
-- customers who stayed, who left for another segment (leavers), who arrived from another
-- segment, and first-time buyers of the month (no segment last month). A buyer stays in
-- every later snapshot, so customers = last month's - leavers + arrivals + new buyers.
-- Where the leavers went: the top destination segment, and the top three as text.
-- One row per segment of the seed (zeros for an empty one).
--
-- Month: var analysis_month, any day of the month ('YYYY-MM-DD'); empty (the default)
-- means the latest complete month (is_complete_month, as of var customer_value_as_of_date).
--
-- Run it from the project folder, on a built warehouse (README "Worked analyses"):
--   dbt show --select which_rfm_segment_shrank --limit 20
--   dbt show --select which_rfm_segment_shrank --limit 20 --vars '{analysis_month: "2025-09-01"}'
-- dbt show prints the first columns only. For every column:
--   dbt compile --select which_rfm_segment_shrank
-- then run the SQL it writes to target/compiled/shopkpi/analyses/which_rfm_segment_shrank.sql
-- in a read-only DuckDB connection to the warehouse file.

{%- set analysis_month = var('analysis_month', '') %}

with

rfm_months as (
    select * from {{ ref('snap_customer_rfm_months') }}
),

segment_moves as (
    select * from {{ ref('agg_rfm_segment_moves') }}
),

segments as (
    select * from {{ ref('rfm_segments') }}
),

chosen_month as (
    select
        coalesce(
            cast(
                date_trunc(
                    'month', cast(nullif('{{ analysis_month }}', '') as date)
                ) as date
            ),
            max(rfm_months.month_start_date) filter (where rfm_months.is_complete_month)
        ) as month_start_date
    from rfm_months
),

months as (
    select
        chosen_month.month_start_date,
        cast(chosen_month.month_start_date - interval 1 month as date)
            as previous_month_start_date
    from chosen_month
),

sizes as (
    select
        rfm_months.segment_code,
        count(*) filter (
            where rfm_months.month_start_date = months.previous_month_start_date
        ) as previous_customers,
        count(*) filter (where rfm_months.month_start_date = months.month_start_date)
            as customers
    from rfm_months
    cross join months
    where
        rfm_months.month_start_date
        in (months.previous_month_start_date, months.month_start_date)
    group by rfm_months.segment_code
),

buyers as (
    select
        sum(sizes.previous_customers) as previous_buyers,
        sum(sizes.customers) as buyers
    from sizes
),

this_month_moves as (
    select segment_moves.*
    from segment_moves
    inner join months
        on segment_moves.month_start_date = months.month_start_date
),

flows_out as (
    select
        this_month_moves.from_segment_code as segment_code,
        sum(this_month_moves.customers) filter (where this_month_moves.is_same_segment)
            as stayed,
        sum(this_month_moves.customers) filter (where not this_month_moves.is_same_segment)
            as leavers
    from this_month_moves
    where this_month_moves.from_segment_code is not null
    group by this_month_moves.from_segment_code
),

flows_in as (
    select
        this_month_moves.to_segment_code as segment_code,
        sum(this_month_moves.customers) filter (
            where this_month_moves.from_segment_code is not null
            and not this_month_moves.is_same_segment
        ) as arrivals,
        sum(this_month_moves.customers) filter (
            where this_month_moves.from_segment_code is null
        ) as new_buyers
    from this_month_moves
    group by this_month_moves.to_segment_code
),

-- Where each segment's leavers went, largest destination first (ties: the better segment).
destinations as (
    select
        this_month_moves.from_segment_code as segment_code,
        this_month_moves.to_segment_code,
        this_month_moves.to_segment_name_en,
        this_month_moves.to_segment_name_zh,
        this_month_moves.customers,
        row_number() over (
            partition by this_month_moves.from_segment_code
            order by this_month_moves.customers desc, to_segments.priority asc
        ) as destination_rank
    from this_month_moves
    inner join segments as to_segments
        on this_month_moves.to_segment_code = to_segments.segment_code
    where this_month_moves.from_segment_code is not null and not this_month_moves.is_same_segment
),

top_destinations as (
    select
        destinations.segment_code,
        max(destinations.to_segment_code) filter (where destinations.destination_rank = 1)
            as top_destination_segment_code,
        max(destinations.to_segment_name_en) filter (where destinations.destination_rank = 1)
            as top_destination_name_en,
        max(destinations.to_segment_name_zh) filter (where destinations.destination_rank = 1)
            as top_destination_name_zh,
        max(destinations.customers) filter (where destinations.destination_rank = 1)
            as top_destination_customers,
        string_agg(
            destinations.to_segment_name_en || ' ' || destinations.to_segment_name_zh || ' '
            || destinations.customers,
            ', '
            order by destinations.destination_rank
        ) filter (where destinations.destination_rank <= 3) as leaver_destinations
    from destinations
    group by destinations.segment_code
),

final as (
    select
        months.previous_month_start_date,
        months.month_start_date,
        segments.segment_code,
        segments.segment_name_en,
        segments.segment_name_zh,
        coalesce(sizes.previous_customers, 0) as previous_customers,
        coalesce(sizes.customers, 0) as customers,
        coalesce(sizes.customers, 0) - coalesce(sizes.previous_customers, 0) as customer_change,
        round({{ safe_divide(
            'coalesce(sizes.customers, 0) - sizes.previous_customers', 'sizes.previous_customers'
        ) }}, 4) as change_rate,
        round(
            {{ safe_divide('coalesce(sizes.previous_customers, 0)', 'buyers.previous_buyers') }}, 4
        ) as previous_share_of_buyers,
        round({{ safe_divide('coalesce(sizes.customers, 0)', 'buyers.buyers') }}, 4)
            as share_of_buyers,
        coalesce(flows_out.stayed, 0) as stayed,
        coalesce(flows_out.leavers, 0) as leavers,
        coalesce(flows_in.arrivals, 0) as arrivals,
        coalesce(flows_in.new_buyers, 0) as new_buyers,
        top_destinations.top_destination_segment_code,
        top_destinations.top_destination_name_en,
        top_destinations.top_destination_name_zh,
        top_destinations.top_destination_customers,
        top_destinations.leaver_destinations,
        segments.action_en,
        segments.action_zh,
        segments.priority as segment_priority
    from segments
    cross join months
    cross join buyers
    left join sizes
        on segments.segment_code = sizes.segment_code
    left join flows_out
        on segments.segment_code = flows_out.segment_code
    left join flows_in
        on segments.segment_code = flows_in.segment_code
    left join top_destinations
        on segments.segment_code = top_destinations.segment_code
)

select * from final
order by customer_change asc, segment_priority asc
