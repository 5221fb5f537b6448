-- One row per RFM score cell (R x F x M, each 1-5: 125 cells) with the segment it belongs
-- to: the first row of seed rfm_segments, by priority, whose three score ranges contain it.
-- Customers get their segment by an equality join on their three scores.

with

segments as (
    select * from {{ ref('rfm_segments') }}
),

scores as (
    select 1 as score
    union all
    select 2 as score
    union all
    select 3 as score
    union all
    select 4 as score
    union all
    select 5 as score
),

cells as (
    select
        r_scores.score as r_score,
        f_scores.score as f_score,
        m_scores.score as m_score
    from scores as r_scores
    cross join scores as f_scores
    cross join scores as m_scores
),

matches as (
    select
        cells.r_score,
        cells.f_score,
        cells.m_score,
        segments.segment_code,
        segments.priority,
        row_number() over (
            partition by cells.r_score, cells.f_score, cells.m_score
            order by segments.priority, segments.segment_code
        ) as match_rank
    from cells
    inner join segments
        on
            cells.r_score between segments.r_score_min and segments.r_score_max
            and cells.f_score between segments.f_score_min and segments.f_score_max
            and cells.m_score between segments.m_score_min and segments.m_score_max
),

final as (
    select
        cells.r_score,
        cells.f_score,
        cells.m_score,
        cells.r_score * 100 + cells.f_score * 10 + cells.m_score as rfm_cell,
        segments.segment_code,
        segments.priority as segment_priority,
        segments.segment_name_en,
        segments.segment_name_zh,
        segments.action_code,
        segments.action_en,
        segments.action_zh
    from cells
    -- A cell no rule covers keeps a null segment (the not_null test names it).
    left join matches
        on
            cells.r_score = matches.r_score
            and cells.f_score = matches.f_score
            and cells.m_score = matches.m_score
            and matches.match_rank = 1
    left join segments
        on matches.segment_code = segments.segment_code
)

select * from final
