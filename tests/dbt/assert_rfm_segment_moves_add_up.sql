-- Each month's segment moves count every customer of that month's RFM snapshot once, and
-- the customers leaving a segment are the customers it had the month before.

with

rfm_months as (
    select * from {{ ref('snap_customer_rfm_months') }}
),

moves as (
    select * from {{ ref('agg_rfm_segment_moves') }}
),

snapshot_sizes as (
    select
        rfm_months.month_start_date,
        count(*) as customers
    from rfm_months
    group by rfm_months.month_start_date
),

previous_sizes as (
    select
        {{ dbt.dateadd('month', 1, 'rfm_months.month_start_date') }} as month_start_date,
        rfm_months.segment_code,
        count(*) as customers
    from rfm_months
    group by
        {{ dbt.dateadd('month', 1, 'rfm_months.month_start_date') }},
        rfm_months.segment_code
),

move_sizes as (
    select
        moves.month_start_date,
        sum(moves.customers) as customers
    from moves
    group by moves.month_start_date
),

size_mismatches as (
    select
        snapshot_sizes.month_start_date,
        cast(null as {{ dbt.type_string() }}) as segment_code
    from snapshot_sizes
    full outer join move_sizes
        on snapshot_sizes.month_start_date = move_sizes.month_start_date
    where
        snapshot_sizes.month_start_date is null
        or move_sizes.month_start_date is null
        or snapshot_sizes.customers != move_sizes.customers
),

from_mismatches as (
    select
        moves.month_start_date,
        moves.from_segment_code as segment_code
    from moves
    inner join snapshot_sizes
        on moves.month_start_date = snapshot_sizes.month_start_date
    left join previous_sizes
        on
            moves.month_start_date = cast(previous_sizes.month_start_date as date)
            and moves.from_segment_code = previous_sizes.segment_code
    where
        moves.from_segment_code is not null
        and moves.from_segment_customers is distinct from previous_sizes.customers
)

select * from size_mismatches
union all
select * from from_mismatches
