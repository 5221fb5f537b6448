-- One row per month x segment last month x segment this month with at least one customer:
-- how many customers moved (or stayed), and their share of last month's segment. Customers
-- in their first paid month come from no segment (from_segment_code null).

with

rfm_months as (
    select * from {{ ref('snap_customer_rfm_months') }}
),

segments as (
    select * from {{ ref('rfm_segments') }}
),

moves as (
    select
        rfm_months.month_start_date,
        rfm_months.previous_segment_code as from_segment_code,
        rfm_months.segment_code as to_segment_code,
        count(*) as customers
    from rfm_months
    group by
        rfm_months.month_start_date,
        rfm_months.previous_segment_code,
        rfm_months.segment_code
),

from_segment_sizes as (
    select
        moves.month_start_date,
        moves.from_segment_code,
        cast(sum(moves.customers) as bigint) as from_segment_customers
    from moves
    where moves.from_segment_code is not null
    group by
        moves.month_start_date,
        moves.from_segment_code
),

final as (
    select
        {{ surrogate_key([
            'moves.month_start_date', 'moves.from_segment_code', 'moves.to_segment_code'
        ]) }} as segment_move_id,
        moves.month_start_date,
        moves.from_segment_code,
        from_segments.segment_name_en as from_segment_name_en,
        from_segments.segment_name_zh as from_segment_name_zh,
        moves.to_segment_code,
        to_segments.segment_name_en as to_segment_name_en,
        to_segments.segment_name_zh as to_segment_name_zh,
        coalesce(moves.from_segment_code = moves.to_segment_code, false) as is_same_segment,
        moves.customers,
        from_segment_sizes.from_segment_customers,
        {{ safe_divide('moves.customers', 'from_segment_sizes.from_segment_customers') }}
            as share_of_from_segment
    from moves
    left join from_segment_sizes
        on
            moves.month_start_date = from_segment_sizes.month_start_date
            and moves.from_segment_code = from_segment_sizes.from_segment_code
    left join segments as from_segments
        on moves.from_segment_code = from_segments.segment_code
    left join segments as to_segments
        on moves.to_segment_code = to_segments.segment_code
)

select * from final
