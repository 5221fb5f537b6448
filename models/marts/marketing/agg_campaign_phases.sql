-- One row per campaign x phase: the baseline before warm-up (var campaign_baseline_days),
-- warm-up 預熱, burst 爆發, tail 收尾, and the period after the end (var campaign_post_days).
-- Spend and ROI are the campaign's own (revenue credited, by the default attribution model,
-- to sessions of the campaign); sessions, conversion and revenue of the campaign's channel in
-- the same window sit beside them, so each phase can be read against the baseline. Campaign
-- buyers' repurchase within the post window is on the 'post' row. Participation 參與率: of
-- the visitors a campaign reached (a human session from the campaign), the share who went on
-- to view a product in such a session. campaign_event groups the campaigns of one festival
-- (the five Double 11 campaigns, one per channel).
-- The windows, the counts in them and the buyers' follow-up are intermediate models; this
-- mart puts them side by side and turns them into rates.

with

phases as (
    select * from {{ ref('int_campaigns_split_into_phases') }}
),

phase_measures as (
    select * from {{ ref('int_campaign_phases_measured') }}
),

campaign_buyers as (
    select * from {{ ref('int_campaign_buyers_followed_up') }}
),

post_repurchase as (
    select
        campaign_buyers.campaign_id,
        count(distinct campaign_buyers.customer_id) as campaign_buyers,
        count(distinct case
            when campaign_buyers.is_repurchasing_in_post_window then campaign_buyers.customer_id
        end) as campaign_buyers_repurchasing
    from campaign_buyers
    group by campaign_buyers.campaign_id
),

final as (
    select
        {{ surrogate_key(['phases.campaign_id', 'phases.phase']) }} as campaign_phase_id,
        phases.campaign_id,
        phases.channel,
        phases.campaign_event,
        phases.campaign_event_date,
        phases.phase,
        phases.phase_order,
        phases.starts_at,
        phases.ends_at,
        phase_measures.spend_cny,
        phase_measures.channel_sessions,
        phase_measures.campaign_sessions,
        phase_measures.campaign_visitors,
        phase_measures.campaign_participating_visitors,
        {{ safe_divide(
            'phase_measures.campaign_participating_visitors', 'phase_measures.campaign_visitors'
        ) }} as participation_rate,
        phase_measures.campaign_paying_sessions,
        {{ safe_divide(
            'phase_measures.campaign_paying_sessions', 'phase_measures.campaign_sessions'
        ) }} as campaign_conversion_rate,
        phase_measures.channel_paying_sessions,
        {{ safe_divide(
            'phase_measures.channel_paying_sessions', 'phase_measures.channel_sessions'
        ) }} as channel_conversion_rate,
        phase_measures.channel_attributed_orders,
        phase_measures.channel_attributed_net_revenue_cny,
        phase_measures.campaign_attributed_orders,
        phase_measures.campaign_new_customers,
        phase_measures.campaign_attributed_net_revenue_cny,
        {{ safe_divide(
            'phase_measures.campaign_attributed_net_revenue_cny', 'phase_measures.spend_cny'
        ) }} as roi,
        post_repurchase.campaign_buyers,
        post_repurchase.campaign_buyers_repurchasing,
        {{ safe_divide(
            'post_repurchase.campaign_buyers_repurchasing', 'post_repurchase.campaign_buyers'
        ) }} as post_campaign_repurchase_rate,
        case
            when phases.phase = 'post'
                then cast({{ dbt.dateadd(
                    'day', var('campaign_review_due_days'), 'phases.starts_at'
                ) }} as date)
        end as review_due_date
    from phases
    inner join phase_measures
        on
            phases.campaign_id = phase_measures.campaign_id
            and phases.phase = phase_measures.phase
    left join post_repurchase
        on
            phases.campaign_id = post_repurchase.campaign_id
            and phases.phase = 'post'
)

select * from final
