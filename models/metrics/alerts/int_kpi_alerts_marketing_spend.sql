-- Marketing-spend alerts 營銷費用預警 (catalogue section 4), one row per rule x slice x
-- period judged, all from flags the marketing marts already raise: a channel's share of the
-- month's spend over its cap (agg_channel_months.is_over_cap), the shop's month-to-date
-- spend over budget by more than var budget_overrun_alert_share, which freezes the non-core
-- channels (agg_budget_pacing_days.should_freeze), a channel over its own budget by as much
-- (is_over_budget_beyond_alert_share) and a channel spending into its contingency reserve
-- (is_into_contingency_reserve).

with

rules as (
    select * from {{ ref('kpi_alert_rules') }}
),

channel_months as (
    select * from {{ ref('agg_channel_months') }}
    where is_default_attribution_model and spend_cny > 0
),

pacing_days as (
    select * from {{ ref('agg_budget_pacing_days') }}
),

-- Caps are shares of the month's spend: when the caps of the channels that spent sum to
-- less than 100% (five paid channels at the strict caps: 90%), that many points of spend
-- are over some cap whatever the shop does (catalogue section 11).
cap_slack as (
    select
        channel_months.month_start_date,
        count(*) as spending_channels,
        sum(channel_months.cap_share) as caps_sum,
        greatest(1 - sum(channel_months.cap_share), 0) as structural_slack
    from channel_months
    group by channel_months.month_start_date
),

budget_cap_breach as (
    select
        {{ kpi_alert_evaluation(
            'budget_cap_breach', 'rules.kpi_id', 'rules.slice_kind', 'channel_months.channel',
            'rules.period_grain', 'channel_months.month_start_date',
            dbt.dateadd('month', 1, 'channel_months.month_start_date'),
            value='channel_months.spend_share',
            threshold='channel_months.cap_share',
            is_condition_met='channel_months.is_over_cap',
            volume='channel_months.spend_cny',
            severity="case when channel_months.is_over_cap
                and channel_months.spend_share - channel_months.cap_share
                <= cap_slack.structural_slack then 'info' end",
            detail=format_text(
                'caps of the %d channels that spent sum to %.0f%%: %.0f points of breach are structural',
                [
                    'cap_slack.spending_channels',
                    '100 * cap_slack.caps_sum',
                    '100 * cap_slack.structural_slack',
                ]
            )
        ) }}
    from channel_months
    inner join cap_slack
        on channel_months.month_start_date = cap_slack.month_start_date
    inner join rules
        on rules.rule_id = 'budget_cap_breach'
),

-- The freeze is shop-wide: every row of the day carries the shop's month-to-date figures,
-- and the flag is raised on the non-core channels to freeze.
shop_days as (
    select
        pacing_days.date_day,
        max(pacing_days.shop_budget_used_share) as shop_budget_used_share,
        max(pacing_days.shop_month_to_date_spend_cny) as shop_month_to_date_spend_cny,
        bool_or(pacing_days.should_freeze) as should_freeze,
        {{ string_agg_ordered(
            'case when pacing_days.should_freeze then pacing_days.channel end', "', '",
            'pacing_days.channel'
        ) }} as channels_to_freeze
    from pacing_days
    group by pacing_days.date_day
),

budget_overrun_freeze as (
    select
        {{ kpi_alert_evaluation(
            'budget_overrun_freeze', 'rules.kpi_id', 'rules.slice_kind', "'all'",
            'rules.period_grain', 'shop_days.date_day',
            dbt.dateadd('day', 1, 'shop_days.date_day'),
            value='shop_days.shop_budget_used_share',
            threshold=1 + var('budget_overrun_alert_share'),
            is_condition_met='shop_days.should_freeze',
            volume='shop_days.shop_month_to_date_spend_cny',
            detail="case when shop_days.should_freeze
                then 'freeze ' || shop_days.channels_to_freeze end"
        ) }}
    from shop_days
    inner join rules
        on rules.rule_id = 'budget_overrun_freeze'
),

channel_over_budget as (
    select
        {{ kpi_alert_evaluation(
            'channel_over_budget', 'rules.kpi_id', 'rules.slice_kind', 'pacing_days.channel',
            'rules.period_grain', 'pacing_days.date_day',
            dbt.dateadd('day', 1, 'pacing_days.date_day'),
            value='pacing_days.budget_used_share',
            threshold=1 + var('budget_overrun_alert_share'),
            is_condition_met='pacing_days.is_over_budget_beyond_alert_share',
            volume='pacing_days.month_to_date_spend_cny'
        ) }}
    from pacing_days
    inner join rules
        on rules.rule_id = 'channel_over_budget'
    where pacing_days.budget_cny > 0
),

contingency_reserve as (
    select
        {{ kpi_alert_evaluation(
            'contingency_reserve', 'rules.kpi_id', 'rules.slice_kind', 'pacing_days.channel',
            'rules.period_grain', 'pacing_days.date_day',
            dbt.dateadd('day', 1, 'pacing_days.date_day'),
            value='pacing_days.budget_used_share',
            threshold=1 - var('contingency_reserve_share'),
            is_condition_met='pacing_days.is_into_contingency_reserve',
            volume='pacing_days.month_to_date_spend_cny'
        ) }}
    from pacing_days
    inner join rules
        on rules.rule_id = 'contingency_reserve'
    where pacing_days.budget_cny > 0
),

final as (
    select * from budget_cap_breach
    union all
    select * from budget_overrun_freeze
    union all
    select * from channel_over_budget
    union all
    select * from contingency_reserve
)

select * from final
