-- One row per campaign x phase: what happened in the phase's window, counted for the
-- campaign itself and for its whole channel beside it. Spend: the campaign's ad spend on
-- the window's days. Traffic: human sessions of the channel that started in the window,
-- those tagged with the campaign, their distinct visitors, the visitors who viewed a
-- product in such a session, and paying sessions. Credited orders: paid orders the default
-- attribution model credits to the channel, and to the campaign's sessions, paid on the
-- window's days. Zeros where nothing happened; the ratios are agg_campaign_phases' job.

with

phases as (
    select * from {{ ref('int_campaigns_split_into_phases') }}
),

ad_spend as (
    select * from {{ ref('fct_ad_spend') }}
),

sessions as (
    select * from {{ ref('int_human_sessions') }}
),

credits as (
    select * from {{ ref('int_attribution_credits_by_day') }}
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
    group by phases.campaign_id, phases.phase
),

phase_revenue as (
    select
        phases.campaign_id,
        phases.phase,
        sum(credits.attributed_orders) as channel_attributed_orders,
        sum(credits.attributed_net_revenue_cny) as channel_attributed_net_revenue_cny,
        sum(
            case
                when credits.campaign_id = phases.campaign_id then credits.attributed_orders
            end
        ) as campaign_attributed_orders,
        sum(
            case
                when credits.campaign_id = phases.campaign_id
                    then credits.attributed_new_customers
            end
        ) as campaign_new_customers,
        sum(
            case
                when credits.campaign_id = phases.campaign_id
                    then credits.attributed_net_revenue_cny
            end
        ) as campaign_attributed_net_revenue_cny
    from phases
    inner join credits
        on
            phases.channel = credits.channel
            and {{ is_default_attribution_model('credits.attribution_model') }}
            and credits.date_day >= cast(phases.starts_at as date)
            and credits.date_day < cast(phases.ends_at as date)
    group by phases.campaign_id, phases.phase
),

final as (
    select
        phases.campaign_id,
        phases.phase,
        cast(coalesce(phase_spend.spend_cny, 0) as decimal(18, 2)) as spend_cny,
        coalesce(phase_sessions.channel_sessions, 0) as channel_sessions,
        coalesce(phase_sessions.campaign_sessions, 0) as campaign_sessions,
        coalesce(phase_sessions.campaign_visitors, 0) as campaign_visitors,
        coalesce(phase_sessions.campaign_participating_visitors, 0)
            as campaign_participating_visitors,
        coalesce(phase_sessions.campaign_paying_sessions, 0) as campaign_paying_sessions,
        coalesce(phase_sessions.channel_paying_sessions, 0) as channel_paying_sessions,
        coalesce(phase_revenue.channel_attributed_orders, 0) as channel_attributed_orders,
        cast(coalesce(phase_revenue.channel_attributed_net_revenue_cny, 0) as decimal(18, 2))
            as channel_attributed_net_revenue_cny,
        coalesce(phase_revenue.campaign_attributed_orders, 0) as campaign_attributed_orders,
        coalesce(phase_revenue.campaign_new_customers, 0) as campaign_new_customers,
        cast(coalesce(phase_revenue.campaign_attributed_net_revenue_cny, 0) as decimal(18, 2))
            as campaign_attributed_net_revenue_cny
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
)

select * from final
