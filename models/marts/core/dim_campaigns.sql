-- One row per campaign, with its phase boundaries: warm-up 預熱 [warmup_starts_at,
-- burst_starts_at), burst 爆發 [burst_starts_at, tail_starts_at), tail 收尾
-- [tail_starts_at, ends_at).

with

campaigns as (
    select * from {{ ref('stg_shop__campaigns') }}
),

channels as (
    select * from {{ ref('channels') }}
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
        campaigns.budget_cny
    from campaigns
    left join channels
        on campaigns.channel = channels.channel
)

select * from final
