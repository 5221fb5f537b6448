-- One row per campaign, with its phase boundaries: warm-up 預熱 [warmup_starts_at,
-- burst_starts_at), burst 爆發 [burst_starts_at, tail_starts_at), tail 收尾
-- [tail_starts_at, ends_at), and the shopping festival it belongs to (campaign_event): the
-- festival of seed campaign_events whose day falls in the burst phase, the earliest when
-- several do; null for a campaign whose burst holds no festival day (see DECISIONLOG.md).

with

campaigns as (
    select * from {{ ref('stg_shop__campaigns') }}
),

channels as (
    select * from {{ ref('channels') }}
),

festivals as (
    select * from {{ ref('campaign_events') }}
),

-- A burst that crosses New Year can hold a festival day of the following year.
year_offsets as (
    select 0 as year_offset
    union all
    select 1 as year_offset
),

festival_days as (
    select
        campaigns.campaign_id,
        campaigns.burst_starts_at,
        campaigns.tail_starts_at,
        festivals.campaign_event,
        festivals.event_year,
        cast({{ dbt.dateadd('day', 'festivals.event_day - 1', dbt.dateadd(
            'month', 'festivals.event_month - 1', dbt.dateadd(
                'year',
                'year_offsets.year_offset',
                dbt.date_trunc('year', 'campaigns.burst_starts_at')
            )
        )) }} as date) as festival_date
    from campaigns
    cross join festivals
    cross join year_offsets
),

-- The festival day [festival_date, +1 day) overlaps the burst [burst_starts_at,
-- tail_starts_at).
festival_days_in_burst as (
    select
        festival_days.campaign_id,
        festival_days.campaign_event,
        festival_days.festival_date,
        row_number() over (
            partition by festival_days.campaign_id
            order by festival_days.festival_date, festival_days.campaign_event
        ) as festival_rank
    from festival_days
    where
        festival_days.festival_date >= cast(festival_days.burst_starts_at as date)
        and festival_days.festival_date < festival_days.tail_starts_at
        and (
            festival_days.event_year is null
            or festival_days.event_year = extract(year from festival_days.festival_date)
        )
),

campaign_events as (
    select
        festival_days_in_burst.campaign_id,
        festival_days_in_burst.campaign_event,
        festival_days_in_burst.festival_date as campaign_event_date
    from festival_days_in_burst
    where festival_days_in_burst.festival_rank = 1
),

final as (
    select
        campaigns.campaign_id,
        campaigns.campaign_name,
        campaigns.campaign_type,
        campaigns.channel,
        channels.channel_group,
        campaigns.warmup_starts_at,
        campaigns.burst_starts_at,
        campaigns.tail_starts_at,
        campaigns.ends_at,
        cast(campaigns.warmup_starts_at as date) as warmup_start_date,
        cast(campaigns.burst_starts_at as date) as burst_start_date,
        cast(campaigns.tail_starts_at as date) as tail_start_date,
        cast(campaigns.ends_at as date) as end_date,
        {{ days_between('campaigns.warmup_starts_at', 'campaigns.burst_starts_at') }}
            as warmup_days,
        {{ days_between('campaigns.burst_starts_at', 'campaigns.tail_starts_at') }} as burst_days,
        {{ days_between('campaigns.tail_starts_at', 'campaigns.ends_at') }} as tail_days,
        campaigns.budget_cny,
        campaign_events.campaign_event,
        campaign_events.campaign_event_date
    from campaigns
    left join channels
        on campaigns.channel = channels.channel
    left join campaign_events
        on campaigns.campaign_id = campaign_events.campaign_id
)

select * from final
