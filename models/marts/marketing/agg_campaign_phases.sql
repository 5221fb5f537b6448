-- One row per campaign x phase: the baseline before warm-up (var campaign_baseline_days),
-- warm-up 預熱, burst 爆發, tail 收尾, and the period after the end (var campaign_post_days).
-- Spend and ROI are the campaign's own (revenue credited, by the default attribution model,
-- to sessions of the campaign); sessions, conversion and revenue of the campaign's channel in
-- the same window sit beside them, so each phase can be read against the baseline. Campaign
-- buyers' repurchase within the post window is on the 'post' row. Participation 參與率: of
-- the visitors a campaign reached (a human session from the campaign), the share who went on
-- to view a product in such a session.

with

campaigns as (
    select * from {{ ref('dim_campaigns') }}
),

ad_spend as (
    select * from {{ ref('fct_ad_spend') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
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

phase_spend as (
    select
        phases.campaign_id,
        phases.phase,
        sum(ad_spend.spend_cny) as spend_cny
    from phases
    inner join ad_spend
        on
            phases.campaign_id = ad_spend.campaign_id
            and ad_spend.spend_date >= cast(phases.starts_at as date)
            and ad_spend.spend_date < cast(phases.ends_at as date)
    group by phases.campaign_id, phases.phase
),

phase_sessions as (
    select
        phases.campaign_id,
        phases.phase,
        count(*) as channel_sessions,
        sum(case when sessions.campaign_id = phases.campaign_id then 1 else 0 end)
            as campaign_sessions,
        sum(case when sessions.reached_payment then 1 else 0 end) as channel_paying_sessions,
        count(distinct case
            when sessions.campaign_id = phases.campaign_id then sessions.visitor_id
        end) as campaign_visitors,
        count(distinct case
            when sessions.campaign_id = phases.campaign_id and sessions.reached_product_view
                then sessions.visitor_id
        end) as campaign_participating_visitors,
        sum(
            case
                when sessions.campaign_id = phases.campaign_id and sessions.reached_payment
                    then 1
                else 0
            end
        ) as campaign_paying_sessions
    from phases
    inner join sessions
        on
            phases.channel = sessions.channel
            and phases.starts_at <= sessions.started_at
            and phases.ends_at > sessions.started_at
    where not sessions.is_bot
    group by phases.campaign_id, phases.phase
),

phase_revenue as (
    select
        phases.campaign_id,
        phases.phase,
        sum(attribution.weight) as channel_attributed_orders,
        sum(attribution.attributed_net_revenue_cny) as channel_attributed_net_revenue_cny,
        sum(case when attribution.campaign_id = phases.campaign_id then attribution.weight end)
            as campaign_attributed_orders,
        sum(
            case
                when
                    attribution.campaign_id = phases.campaign_id
                    and attribution.is_first_paid_order
                    then attribution.weight
            end
        ) as campaign_new_customers,
        sum(
            case
                when attribution.campaign_id = phases.campaign_id
                    then attribution.attributed_net_revenue_cny
            end
        ) as campaign_attributed_net_revenue_cny
    from phases
    inner join attribution
        on
            phases.channel = attribution.channel
            and attribution.attribution_model = '{{ var("default_attribution_model") }}'
            and attribution.paid_date >= cast(phases.starts_at as date)
            and attribution.paid_date < cast(phases.ends_at as date)
    group by phases.campaign_id, phases.phase
),

-- Customers whose paid order was credited to the campaign during warm-up, burst or tail,
-- and whether they paid again within the post window.
campaign_buyers as (
    select distinct
        attribution.campaign_id,
        attribution.customer_id
    from attribution
    where
        attribution.attribution_model = '{{ var("default_attribution_model") }}'
        and attribution.campaign_id is not null
),

post_repurchase as (
    select
        phases.campaign_id,
        count(distinct campaign_buyers.customer_id) as campaign_buyers,
        count(distinct orders.customer_id) as campaign_buyers_repurchasing
    from phases
    inner join campaign_buyers
        on phases.campaign_id = campaign_buyers.campaign_id
    left join orders
        on
            campaign_buyers.customer_id = orders.customer_id
            and orders.is_paid
            and phases.starts_at <= orders.paid_at
            and phases.ends_at > orders.paid_at
    where phases.phase = 'post'
    group by phases.campaign_id
),

final as (
    select
        {{ surrogate_key(['phases.campaign_id', 'phases.phase']) }} as campaign_phase_id,
        phases.campaign_id,
        phases.channel,
        phases.phase,
        phases.phase_order,
        phases.starts_at,
        phases.ends_at,
        cast(coalesce(phase_spend.spend_cny, 0) as decimal(18, 2)) as spend_cny,
        coalesce(phase_sessions.channel_sessions, 0) as channel_sessions,
        coalesce(phase_sessions.campaign_sessions, 0) as campaign_sessions,
        coalesce(phase_sessions.campaign_visitors, 0) as campaign_visitors,
        coalesce(phase_sessions.campaign_participating_visitors, 0)
            as campaign_participating_visitors,
        {{ safe_divide(
            'phase_sessions.campaign_participating_visitors', 'phase_sessions.campaign_visitors'
        ) }} as participation_rate,
        coalesce(phase_sessions.campaign_paying_sessions, 0) as campaign_paying_sessions,
        {{ safe_divide(
            'phase_sessions.campaign_paying_sessions', 'phase_sessions.campaign_sessions'
        ) }} as campaign_conversion_rate,
        coalesce(phase_sessions.channel_paying_sessions, 0) as channel_paying_sessions,
        {{ safe_divide(
            'phase_sessions.channel_paying_sessions', 'phase_sessions.channel_sessions'
        ) }} as channel_conversion_rate,
        coalesce(phase_revenue.channel_attributed_orders, 0) as channel_attributed_orders,
        cast(coalesce(phase_revenue.channel_attributed_net_revenue_cny, 0) as decimal(18, 2))
            as channel_attributed_net_revenue_cny,
        coalesce(phase_revenue.campaign_attributed_orders, 0) as campaign_attributed_orders,
        coalesce(phase_revenue.campaign_new_customers, 0) as campaign_new_customers,
        cast(coalesce(phase_revenue.campaign_attributed_net_revenue_cny, 0) as decimal(18, 2))
            as campaign_attributed_net_revenue_cny,
        {{ safe_divide(
            'coalesce(phase_revenue.campaign_attributed_net_revenue_cny, 0)',
            'phase_spend.spend_cny'
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
    left join phase_spend
        on
            phases.campaign_id = phase_spend.campaign_id
            and phases.phase = phase_spend.phase
    left join phase_sessions
        on
            phases.campaign_id = phase_sessions.campaign_id
            and phases.phase = phase_sessions.phase
    left join phase_revenue
        on
            phases.campaign_id = phase_revenue.campaign_id
            and phases.phase = phase_revenue.phase
    left join post_repurchase
        on
            phases.campaign_id = post_repurchase.campaign_id
            and phases.phase = 'post'
)

select * from final
