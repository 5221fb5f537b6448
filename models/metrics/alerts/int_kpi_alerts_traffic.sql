-- Traffic alerts 流量預警 (catalogue section 1), one row per rule x slice x period judged:
-- a landing page bouncing above var bounce_alert_rate on a day, over all its channels (from
-- kpi_values) and per channel (the flag agg_landing_page_days already raises), and a landing
-- page whose share of slow loads rose on the week before (kpi_values, complete ISO weeks).

with

rules as (
    select * from {{ ref('kpi_alert_rules') }}
),

kpi_values as (
    select * from {{ ref('kpi_values') }}
),

landing_page_days as (
    select * from {{ ref('agg_landing_page_days') }}
),

page_bounce as (
    select
        {{ kpi_alert_evaluation(
            'landing_page_bounce', 'rules.kpi_id', 'kpi_values.slice_kind',
            'kpi_values.slice_value', 'kpi_values.period_grain',
            'kpi_values.period_start_date', dbt.dateadd('day', 1, 'kpi_values.period_end_date'),
            value='kpi_values.kpi_value',
            threshold=var('bounce_alert_rate'),
            is_condition_met=kpi_alert_compare(
                'kpi_values.kpi_value', var('bounce_alert_rate'), 'rules'
            ),
            volume='kpi_values.denominator',
            min_volume=var('bounce_alert_min_sessions')
        ) }}
    from kpi_values
    inner join rules
        on
            kpi_values.kpi_id = rules.kpi_id
            and kpi_values.period_grain = rules.period_grain
            and kpi_values.slice_kind = rules.slice_kind
    where rules.rule_id = 'landing_page_bounce'
),

page_channel_bounce as (
    select
        {{ kpi_alert_evaluation(
            'landing_page_channel_bounce', 'rules.kpi_id', 'rules.slice_kind',
            "landing_page_days.landing_page || ':' || landing_page_days.channel",
            'rules.period_grain', 'landing_page_days.date_day',
            dbt.dateadd('day', 1, 'landing_page_days.date_day'),
            value='landing_page_days.bounce_rate',
            threshold=var('bounce_alert_rate'),
            is_condition_met='landing_page_days.is_bounce_alert',
            volume='landing_page_days.sessions_with_events',
            min_volume=var('bounce_alert_min_sessions')
        ) }}
    from landing_page_days
    inner join rules
        on rules.rule_id = 'landing_page_channel_bounce'
),

slow_load_periods as (
    {{ kpi_alert_period_changes('kpi_values', 'rules', 'slow_load_rising') }}
),

slow_load_rising as (
    select
        {{ kpi_alert_evaluation(
            'slow_load_rising', 'slow_load_periods.kpi_id', 'slow_load_periods.slice_kind',
            'slow_load_periods.slice_value', 'slow_load_periods.period_grain',
            'slow_load_periods.period_start_date',
            dbt.dateadd('day', 1, 'slow_load_periods.period_end_date'),
            value=kpi_alert_change(
                'slow_load_periods.kpi_value', 'slow_load_periods.previous_value',
                'slow_load_periods'
            ),
            threshold='slow_load_periods.threshold',
            is_condition_met=kpi_alert_compare(
                kpi_alert_change(
                    'slow_load_periods.kpi_value', 'slow_load_periods.previous_value',
                    'slow_load_periods'
                ),
                'slow_load_periods.threshold', 'slow_load_periods'
            ),
            reference_value='slow_load_periods.previous_value',
            volume='slow_load_periods.volume',
            min_volume='slow_load_periods.min_volume'
        ) }}
    from slow_load_periods
),

final as (
    select * from page_bounce
    union all
    select * from page_channel_bounce
    union all
    select * from slow_load_rising
)

select * from final
