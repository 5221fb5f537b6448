-- Channel ROI alerts 渠道ROI預警 (catalogue section 4), one row per rule x slice x period
-- judged: the monthly ROI review 月度ROI考核, from the pause flag agg_channel_months raises
-- on a channel whose month's ROI (default attribution model) is below
-- var channel_pause_roi_below. A month is judged once the channel spent the rule's minimum:
-- below it the pause line is a handful of orders, and one order more or less crosses it.

with

rules as (
    select * from {{ ref('kpi_alert_rules') }}
),

channel_months as (
    select * from {{ ref('agg_channel_months') }}
    where is_default_attribution_model and spend_cny > 0
),

pause_channel as (
    select
        {{ kpi_alert_evaluation(
            'pause_channel', 'rules.kpi_id', 'rules.slice_kind', 'channel_months.channel',
            'rules.period_grain', 'channel_months.month_start_date',
            dbt.dateadd('month', 1, 'channel_months.month_start_date'),
            value='channel_months.roi',
            threshold=var('channel_pause_roi_below'),
            is_condition_met='channel_months.is_pause_recommended',
            volume='channel_months.spend_cny',
            min_volume='rules.min_volume',
            detail=format_text(
                '%.0f orders credited, %.2f CNY revenue on %.2f CNY spend',
                [
                    'channel_months.attributed_orders',
                    'channel_months.attributed_net_revenue_cny',
                    'channel_months.spend_cny',
                ]
            )
        ) }}
    from channel_months
    inner join rules
        on rules.rule_id = 'pause_channel'
),

final as (
    select * from pause_channel
)

select * from final
