-- The GMV forecast's input: one row per shop day from the first day with data to
-- forecast_horizon_days after the last, with the day's GMV (kpi_values, null for the days
-- to forecast) and its place in the campaign calendar: inside a promotion's warm-up, burst
-- or tail, a festival's big day, a live stream's broadcast. Campaigns the shop has planned
-- ahead in its campaigns file mark the days to forecast too.

with

reporting_window as (
    select * from {{ ref('int_kpi_reporting_window') }}
),

kpi_values as (
    select * from {{ ref('kpi_values') }}
    where kpi_id = 'gmv' and period_grain = 'day' and slice_kind = 'total'
),

campaigns as (
    select * from {{ ref('dim_campaigns') }}
),

days as (
    {{ date_spine(
        '(select data_start_date from reporting_window)',
        dbt.dateadd(
            'day', var('forecast_horizon_days'), '(select data_end_date from reporting_window)'
        )
    ) }}
),

flagged as (
    select
        days.date_day,
        max(case
            when campaigns.campaign_type <> 'live_stream'
                and days.date_day >= campaigns.warmup_start_date
                and days.date_day < campaigns.burst_start_date then 1
            else 0
        end) as is_warmup,
        max(case
            when campaigns.campaign_type <> 'live_stream'
                and days.date_day >= campaigns.burst_start_date
                and days.date_day < campaigns.tail_start_date then 1
            else 0
        end) as is_burst,
        max(case
            when campaigns.campaign_type <> 'live_stream'
                and days.date_day >= campaigns.tail_start_date
                and days.date_day < campaigns.end_date then 1
            else 0
        end) as is_tail,
        max(case when days.date_day = campaigns.campaign_event_date then 1 else 0 end)
            as is_event_day,
        max(case
            when campaigns.campaign_type = 'live_stream'
                and days.date_day >= campaigns.burst_start_date
                and days.date_day < campaigns.tail_start_date then 1
            else 0
        end) as is_live_stream
    from days
    left join campaigns
        on
            days.date_day >= campaigns.warmup_start_date
            and days.date_day < campaigns.end_date
    group by days.date_day
),

final as (
    select
        flagged.date_day,
        flagged.date_day <= reporting_window.data_end_date as is_history,
        case
            when flagged.date_day <= reporting_window.data_end_date
                then coalesce(kpi_values.numerator, 0)
        end as gmv_cny,
        flagged.is_warmup,
        flagged.is_burst,
        flagged.is_tail,
        flagged.is_event_day,
        flagged.is_live_stream
    from flagged
    cross join reporting_window
    left join kpi_values
        on flagged.date_day = kpi_values.period_start_date
)

select * from final
