-- One row per campaign x phase: the window [starts_at, ends_at) of each phase, from the
-- baseline before warm-up (var campaign_baseline_days) through warm-up 預熱, burst 爆發 and
-- tail 收尾 to the period after the end (var campaign_post_days), with the campaign's
-- festival (campaign_event). agg_campaign_phases measures the campaign and its channel in
-- these windows.

with

campaigns as (
    select * from {{ ref('dim_campaigns') }}
),

phases as (
    select
        campaigns.campaign_id,
        campaigns.channel,
        'baseline' as phase,
        0 as phase_order,
        {{ dbt.dateadd('day', -1 * var('campaign_baseline_days'), 'campaigns.warmup_starts_at') }}
            as starts_at,
        campaigns.warmup_starts_at as ends_at
    from campaigns
    union all
    select
        campaigns.campaign_id,
        campaigns.channel,
        'warmup' as phase,
        1 as phase_order,
        campaigns.warmup_starts_at as starts_at,
        campaigns.burst_starts_at as ends_at
    from campaigns
    union all
    select
        campaigns.campaign_id,
        campaigns.channel,
        'burst' as phase,
        2 as phase_order,
        campaigns.burst_starts_at as starts_at,
        campaigns.tail_starts_at as ends_at
    from campaigns
    union all
    select
        campaigns.campaign_id,
        campaigns.channel,
        'tail' as phase,
        3 as phase_order,
        campaigns.tail_starts_at as starts_at,
        campaigns.ends_at
    from campaigns
    union all
    select
        campaigns.campaign_id,
        campaigns.channel,
        'post' as phase,
        4 as phase_order,
        campaigns.ends_at as starts_at,
        {{ dbt.dateadd('day', var('campaign_post_days'), 'campaigns.ends_at') }} as ends_at
    from campaigns
),

final as (
    select
        phases.campaign_id,
        phases.channel,
        campaigns.campaign_event,
        campaigns.campaign_event_date,
        phases.phase,
        phases.phase_order,
        phases.starts_at,
        phases.ends_at
    from phases
    inner join campaigns
        on phases.campaign_id = campaigns.campaign_id
)

select * from final
