-- Every run of the quality gate (shopkpi quality) on this warehouse: when it ran, how many
-- expectations it checked and how many failed, by severity. One row per run; no row when
-- the gate has not run on it.
-- Evidence writes no file for an empty result, and a site whose table has no file fails to
-- load: when there is no such row the table holds one row of nulls (run_id is null),
-- which the pages skip.
with

found as (
    select
        run_id,
        min(run_started_at) as run_started_at,
        strftime(min(run_started_at), '%Y-%m-%d %H:%M') as run_started_at_text,
        count(distinct suite_name) as suites,
        count(*) as expectations,
        count(*) filter (where success and not coalesce(raised_exception, false)) as passed,
        count(*) filter (
            where (not success or coalesce(raised_exception, false)) and severity = 'error'
        ) as failed_errors,
        count(*) filter (
            where (not success or coalesce(raised_exception, false)) and severity <> 'error'
        ) as failed_warnings,
        count(*) filter (where coalesce(raised_exception, false)) as raised,
        max(gx_version) as gx_version,
        run_id = max(run_id) over () as is_latest
    from quality.gx_validation_results
    group by run_id
)

select found.*
from (select 1 as anchor) as anchor
left join found
    on true
order by found.run_id desc
