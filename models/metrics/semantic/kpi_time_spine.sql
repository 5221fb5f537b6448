-- The semantic layer's calendar: one row per day of dim_dates. MetricFlow joins cumulative
-- metrics and gap-filled series to it; weeks, months, quarters and years are truncations of
-- the day.

with

dates as (
    select * from {{ ref('dim_dates') }}
),

final as (
    select dates.date_day
    from dates
)

select * from final
