-- Why did ROI drop last week? 投資回報率為何下降
--
-- Each paid channel's ROI in one ISO week (Monday to Sunday) against the week before,
-- default attribution model (var default_attribution_model), with ROI's three factors:
-- ROI = conversion rate x AOV / cost per visit (DECISIONLOG.md "ROI = attributed net
-- revenue / spend"). Every figure is pooled over the week's days (sums, then divide), never
-- an average of daily rates. The change is split into the factors' log contributions,
-- which add up to ln(ROI this week / ROI the week before): the factor with the largest
-- one moved ROI most. A week with no credited order has conversion 0 and no AOV, so its
-- change is put down to conversion.
-- One row per channel with spend in either week, plus 'all_paid_channels' (the same
-- channels pooled) first; the channel whose ROI fell most comes next.
--
-- Week: var analysis_week_start, any day of the week ('YYYY-MM-DD'); empty (the default)
-- means the latest complete week of dim_dates. Revenue of the last two weeks is
-- provisional: refunds arrive a median 9 days after payment.
--
-- Run it from the project folder, on a built warehouse (README "Worked analyses"):
--   dbt show --select why_did_roi_drop --limit 20
--   dbt show --select why_did_roi_drop --limit 20 --vars '{analysis_week_start: "2025-11-10"}'
-- dbt show prints the first columns only. For every column:
--   dbt compile --select why_did_roi_drop
-- then run the SQL it writes to target/compiled/shopkpi/analyses/why_did_roi_drop.sql
-- in a read-only DuckDB connection to the warehouse file.

{%- set week_start = var('analysis_week_start', '') %}

with

dates as (
    select * from {{ ref('dim_dates') }}
),

channel_days as (
    select * from {{ ref('agg_channel_days') }}
),

channels as (
    select * from {{ ref('dim_channels') }}
),

weeks as (
    select
        dates.week_start_date,
        count(*) as days_in_week
    from dates
    group by dates.week_start_date
),

chosen_week as (
    select
        coalesce(
            cast(
                date_trunc(
                    'week', cast(nullif('{{ week_start }}', '') as date)
                ) as date
            ),
            max(weeks.week_start_date) filter (where weeks.days_in_week = 7)
        ) as week_start_date
    from weeks
),

-- The default model's rows of the two weeks, each day tagged with its week.
two_weeks as (
    select
        channel_days.channel,
        channel_days.spend_cny,
        channel_days.sessions,
        channel_days.attributed_orders,
        channel_days.attributed_net_revenue_cny,
        dates.week_start_date = chosen_week.week_start_date as is_this_week
    from channel_days
    inner join dates
        on channel_days.date_day = dates.date_day
    cross join chosen_week
    where
        channel_days.is_default_attribution_model
        and dates.week_start_date between chosen_week.week_start_date - 7
        and chosen_week.week_start_date
),

by_channel as (
    select
        two_weeks.channel,
        sum(two_weeks.spend_cny) filter (where not two_weeks.is_this_week) as prior_spend_cny,
        sum(two_weeks.spend_cny) filter (where two_weeks.is_this_week) as this_spend_cny,
        sum(two_weeks.sessions) filter (where not two_weeks.is_this_week) as prior_sessions,
        sum(two_weeks.sessions) filter (where two_weeks.is_this_week) as this_sessions,
        sum(two_weeks.attributed_orders) filter (where not two_weeks.is_this_week)
            as prior_orders,
        sum(two_weeks.attributed_orders) filter (where two_weeks.is_this_week) as this_orders,
        sum(two_weeks.attributed_net_revenue_cny) filter (where not two_weeks.is_this_week)
            as prior_net_revenue_cny,
        sum(two_weeks.attributed_net_revenue_cny) filter (where two_weeks.is_this_week)
            as this_net_revenue_cny
    from two_weeks
    group by two_weeks.channel
    having sum(two_weeks.spend_cny) > 0
),

all_paid_channels as (
    select
        'all_paid_channels' as channel,
        sum(by_channel.prior_spend_cny) as prior_spend_cny,
        sum(by_channel.this_spend_cny) as this_spend_cny,
        sum(by_channel.prior_sessions) as prior_sessions,
        sum(by_channel.this_sessions) as this_sessions,
        sum(by_channel.prior_orders) as prior_orders,
        sum(by_channel.this_orders) as this_orders,
        sum(by_channel.prior_net_revenue_cny) as prior_net_revenue_cny,
        sum(by_channel.this_net_revenue_cny) as this_net_revenue_cny
    from by_channel
),

pooled as (
    select * from by_channel
    union all
    select * from all_paid_channels
),

factors as (
    select
        pooled.*,
        {{ safe_divide('pooled.prior_net_revenue_cny', 'pooled.prior_spend_cny') }} as prior_roi,
        {{ safe_divide('pooled.this_net_revenue_cny', 'pooled.this_spend_cny') }} as this_roi,
        {{ safe_divide('pooled.prior_orders', 'pooled.prior_sessions') }}
            as prior_conversion_rate,
        {{ safe_divide('pooled.this_orders', 'pooled.this_sessions') }} as this_conversion_rate,
        {{ safe_divide('pooled.prior_net_revenue_cny', 'pooled.prior_orders') }}
            as prior_average_order_value_cny,
        {{ safe_divide('pooled.this_net_revenue_cny', 'pooled.this_orders') }}
            as this_average_order_value_cny,
        {{ safe_divide('pooled.prior_spend_cny', 'pooled.prior_sessions') }}
            as prior_cost_per_visit_cny,
        {{ safe_divide('pooled.this_spend_cny', 'pooled.this_sessions') }}
            as this_cost_per_visit_cny
    from pooled
),

-- this week / the week before per factor; ln of each adds up to ln of the ROI ratio (cost
-- per visit divides, so its contribution is minus its ln).
ratios as (
    select
        factors.*,
        {{ safe_divide('factors.this_roi', 'factors.prior_roi') }} as roi_ratio,
        {{ safe_divide('factors.this_conversion_rate', 'factors.prior_conversion_rate') }}
            as conversion_rate_ratio,
        {{ safe_divide(
            'factors.this_average_order_value_cny', 'factors.prior_average_order_value_cny'
        ) }} as average_order_value_ratio,
        {{ safe_divide('factors.this_cost_per_visit_cny', 'factors.prior_cost_per_visit_cny') }}
            as cost_per_visit_ratio
    from factors
),

contributions as (
    select
        ratios.*,
        case when ratios.conversion_rate_ratio > 0 then ln(ratios.conversion_rate_ratio) end
            as conversion_rate_log_contribution,
        case
            when ratios.average_order_value_ratio > 0 then ln(ratios.average_order_value_ratio)
        end as average_order_value_log_contribution,
        case when ratios.cost_per_visit_ratio > 0 then -ln(ratios.cost_per_visit_ratio) end
            as cost_per_visit_log_contribution
    from ratios
),

final as (
    select
        chosen_week.week_start_date - 7 as prior_week_start_date,
        chosen_week.week_start_date,
        contributions.channel,
        coalesce(channels.channel_name_en, 'All paid channels') as channel_name_en,
        coalesce(channels.channel_name_zh, '全部付費渠道') as channel_name_zh,
        contributions.prior_spend_cny,
        contributions.this_spend_cny,
        contributions.prior_net_revenue_cny,
        contributions.this_net_revenue_cny,
        round(contributions.prior_roi, 2) as prior_roi,
        round(contributions.this_roi, 2) as this_roi,
        round(contributions.this_roi - contributions.prior_roi, 2) as roi_change,
        contributions.prior_sessions,
        contributions.this_sessions,
        round(contributions.prior_orders, 2) as prior_orders,
        round(contributions.this_orders, 2) as this_orders,
        round(contributions.prior_conversion_rate, 4) as prior_conversion_rate,
        round(contributions.this_conversion_rate, 4) as this_conversion_rate,
        round(contributions.prior_average_order_value_cny, 2) as prior_average_order_value_cny,
        round(contributions.this_average_order_value_cny, 2) as this_average_order_value_cny,
        round(contributions.prior_cost_per_visit_cny, 2) as prior_cost_per_visit_cny,
        round(contributions.this_cost_per_visit_cny, 2) as this_cost_per_visit_cny,
        round(contributions.roi_ratio, 4) as roi_ratio,
        round(contributions.conversion_rate_ratio, 4) as conversion_rate_ratio,
        round(contributions.average_order_value_ratio, 4) as average_order_value_ratio,
        round(contributions.cost_per_visit_ratio, 4) as cost_per_visit_ratio,
        round(contributions.conversion_rate_log_contribution, 4)
            as conversion_rate_log_contribution,
        round(contributions.average_order_value_log_contribution, 4)
            as average_order_value_log_contribution,
        round(contributions.cost_per_visit_log_contribution, 4)
            as cost_per_visit_log_contribution,
        -- The factor that moved ROI most: no credited order in one of the weeks is a
        -- conversion change; otherwise the largest log contribution (ties: conversion, then
        -- AOV, then cost per visit).
        case
            when contributions.prior_roi is null or contributions.this_roi is null then null
            when contributions.prior_orders = 0 and contributions.this_orders = 0 then null
            when contributions.prior_orders = 0 or contributions.this_orders = 0
                then 'conversion_rate'
            when
                abs(contributions.conversion_rate_log_contribution)
                >= greatest(
                    abs(contributions.average_order_value_log_contribution),
                    abs(contributions.cost_per_visit_log_contribution)
                )
                then 'conversion_rate'
            when
                abs(contributions.average_order_value_log_contribution)
                >= abs(contributions.cost_per_visit_log_contribution)
                then 'average_order_value'
            else 'cost_per_visit'
        end as main_factor
    from contributions
    cross join chosen_week
    left join channels
        on contributions.channel = channels.channel
)

select * from final
order by
    channel = 'all_paid_channels' desc,
    roi_change asc nulls last,
    channel asc
