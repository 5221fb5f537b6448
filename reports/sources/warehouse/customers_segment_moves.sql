-- Moves between RFM segments from one month's snapshot to the next (agg_rfm_segment_moves):
-- customers per (from, to) pair and their share of the from segment, with both segments'
-- names and priorities. Customers in their first paid month come from no segment
-- (from_segment_code null). One row per month, from segment and to segment.
select
    m.month_start_date,
    m.from_segment_code,
    f.priority as from_segment_priority,
    f.segment_name_en as from_segment_name_en,
    f.segment_name_zh as from_segment_name_zh,
    m.to_segment_code,
    t.priority as to_segment_priority,
    t.segment_name_en as to_segment_name_en,
    t.segment_name_zh as to_segment_name_zh,
    m.is_same_segment,
    m.customers,
    m.from_segment_customers,
    m.share_of_from_segment
from marts.agg_rfm_segment_moves as m
left join reference.rfm_segments as f
    on m.from_segment_code = f.segment_code
left join reference.rfm_segments as t
    on m.to_segment_code = t.segment_code
order by m.month_start_date, f.priority nulls first, t.priority
