-- One row per month x channel x attribution model: spend against the channel's budget and
-- its cap on the month's total spend, new customers credited to the channel and what each
-- cost (CAC), registered users credited to the channel and what each cost, and the month's
-- ROI. Every channel has a row every month (agg_channel_days is a full grid), so a channel
-- with a budget but no spend still shows. is_default_attribution_model marks the rows of var
-- default_attribution_model, as in agg_channel_days: filter on it before summing.

with

channel_days as (
    select * from {{ ref('agg_channel_days') }}
),

budgets as (
    select * from {{ ref('stg_shop__marketing_budgets') }}
),

caps as (
    select * from {{ ref('channel_budget_caps') }}
),

registrations as (
    select * from {{ ref('fct_customer_registrations') }}
),

registrations_monthly as (
    select
        registrations.registration_month as month_start_date,
        registrations.registration_channel as channel,
        count(*) as registered_users
    from registrations
    group by registrations.registration_month, registrations.registration_channel
),

monthly as (
    select
        cast({{ dbt.date_trunc('month', 'channel_days.date_day') }} as date) as month_start_date,
        channel_days.channel,
        channel_days.attribution_model,
        sum(channel_days.spend_cny) as spend_cny,
        sum(channel_days.sessions) as sessions,
        sum(channel_days.attributed_orders) as attributed_orders,
        sum(channel_days.attributed_new_customers) as attributed_new_customers,
        sum(channel_days.attributed_net_revenue_cny) as attributed_net_revenue_cny,
        sum(channel_days.attributed_gross_margin_cny) as attributed_gross_margin_cny
    from channel_days
    group by
        {{ dbt.date_trunc('month', 'channel_days.date_day') }},
        channel_days.channel,
        channel_days.attribution_model
),

with_totals as (
    select
        monthly.*,
        sum(monthly.spend_cny) over (
            partition by monthly.month_start_date, monthly.attribution_model
        ) as month_total_spend_cny
    from monthly
),

default_cap as (
    select
        caps.strict_cap_share,
        caps.lenient_cap_share
    from caps
    where caps.channel = 'default'
),

measured as (
    select
        {{ surrogate_key([
            'with_totals.month_start_date', 'with_totals.channel', 'with_totals.attribution_model'
        ]) }} as channel_month_id,
        with_totals.month_start_date,
        with_totals.channel,
        with_totals.attribution_model,
        {{ is_default_attribution_model('with_totals.attribution_model') }}
            as is_default_attribution_model,
        cast(with_totals.spend_cny as decimal(18, 2)) as spend_cny,
        cast(with_totals.month_total_spend_cny as decimal(18, 2)) as month_total_spend_cny,
        {{ safe_divide('with_totals.spend_cny', 'with_totals.month_total_spend_cny') }}
            as spend_share,
        {% if var('budget_cap_variant') == 'lenient' -%}
            coalesce(caps.lenient_cap_share, default_cap.lenient_cap_share)
        {%- else -%}
            coalesce(caps.strict_cap_share, default_cap.strict_cap_share)
        {%- endif %} as cap_share,
        budgets.budget_cny,
        coalesce(budgets.is_core_channel, false) as is_core_channel,
        {{ safe_divide('with_totals.spend_cny', 'budgets.budget_cny') }} as budget_used_share,
        with_totals.sessions,
        with_totals.attributed_orders,
        with_totals.attributed_new_customers,
        {{ safe_divide('with_totals.spend_cny', 'with_totals.attributed_new_customers') }}
            as customer_acquisition_cost_cny,
        coalesce(registrations_monthly.registered_users, 0) as registered_users,
        {{ safe_divide('with_totals.spend_cny', 'registrations_monthly.registered_users') }}
            as cost_per_registered_user_cny,
        cast(with_totals.attributed_net_revenue_cny as decimal(18, 2))
            as attributed_net_revenue_cny,
        cast(with_totals.attributed_gross_margin_cny as decimal(18, 2))
            as attributed_gross_margin_cny,
        {{ safe_divide('with_totals.attributed_net_revenue_cny', 'with_totals.spend_cny') }}
            as roi
    from with_totals
    -- A missing 'default' row leaves channels without their own cap uncapped (null).
    left join default_cap
        on true
    left join caps
        on with_totals.channel = caps.channel
    left join budgets
        on
            with_totals.month_start_date = budgets.budget_month
            and with_totals.channel = budgets.channel
    left join registrations_monthly
        on
            with_totals.month_start_date = registrations_monthly.month_start_date
            and with_totals.channel = registrations_monthly.channel
),

final as (
    select
        measured.*,
        coalesce(measured.spend_share > measured.cap_share, false) as is_over_cap,
        coalesce(
            measured.budget_used_share > 1 + {{ var('budget_overrun_alert_share') }}, false
        ) as is_over_budget_beyond_alert_share,
        -- Monthly ROI review: a channel that spent and returned less than the threshold is
        -- flagged for pausing; without spend there is no ROI and no flag.
        coalesce(measured.roi < {{ var('channel_pause_roi_below') }}, false)
            as is_pause_recommended
    from measured
)

select * from final
