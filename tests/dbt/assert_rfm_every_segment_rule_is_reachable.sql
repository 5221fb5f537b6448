-- Every row of seed rfm_segments wins at least one R x F x M score cell: a rule shadowed by
-- rules of higher priority (or with an empty range) would never name a customer.

with

segments as (
    select * from {{ ref('rfm_segments') }}
),

score_segments as (
    select * from {{ ref('int_rfm_score_segments') }}
)

select
    segments.segment_code,
    segments.priority
from segments
left join score_segments
    on segments.segment_code = score_segments.segment_code
where score_segments.segment_code is null
