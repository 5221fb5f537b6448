-- Marketing efficiency KPIs 營銷效率 (catalogue sections 4 and 5): ROI and margin ROI under
-- the default attribution model, cost per visit, ad spend, CAC, cost per acquired user,
-- LTV : CAC, budget share and pacing, and the campaign KPIs per phase. One row per KPI x
-- period x slice with the pooled numerator and denominator. A shop-wide ROI credits only
-- the paid channels' revenue to the spend; a channel without spend has no ROI.

with

channels as (
    select * from {{ ref('dim_channels') }}
),

channel_days as (
    select
        channel_days.*,
        channels.is_paid
    from {{ ref('agg_channel_days') }} as channel_days
    inner join channels
        on channel_days.channel = channels.channel
    where channel_days.is_default_attribution_model
),

campaign_days as (
    select * from {{ ref('agg_campaign_days') }}
    where is_default_attribution_model
),

channel_months as (
    select * from {{ ref('agg_channel_months') }}
    where is_default_attribution_model
),

channel_ltv_cac as (
    select * from {{ ref('agg_channel_ltv_cac') }}
    where is_default_attribution_model
),

campaign_phases as (
    select * from {{ ref('agg_campaign_phases') }}
),

ad_spend as (
    select * from {{ ref('fct_ad_spend') }}
),

registrations as (
    select * from {{ ref('fct_customer_registrations') }}
),

spend_days as (
    select
        spend_date,
        sum(spend_cny) as spend_cny
    from ad_spend
    group by spend_date
),

registration_counts as (
    select
        registered_date,
        count(*) as registered_users
    from registrations
    group by registered_date
),

-- Shop-wide cost per acquired user: the day's spend over the day's new registered users.
registration_days as (
    select
        coalesce(spend_days.spend_date, registration_counts.registered_date) as date_day,
        coalesce(spend_days.spend_cny, 0) as spend_cny,
        coalesce(registration_counts.registered_users, 0) as registered_users
    from spend_days
    full outer join registration_counts
        on spend_days.spend_date = registration_counts.registered_date
),

paid_channel_days as (
    select * from channel_days
    where is_paid
),

day_rows as (
    {%- for slice_kind, slice_value in [('total', "'all'"), ('channel', 'channel')] %}
        {%- if not loop.first %}
            union all
        {%- endif %}
    {{ kpi_day_rows(
        'roi', 'paid_channel_days', 'attributed_net_revenue_cny', 'spend_cny',
        slice_kind=slice_kind, slice_value=slice_value
    ) }}
        union all
    {{ kpi_day_rows(
        'margin_roi', 'paid_channel_days', 'attributed_gross_margin_cny', 'spend_cny',
        slice_kind=slice_kind, slice_value=slice_value
    ) }}
        union all
    {{ kpi_day_rows(
        'cost_per_visit', 'paid_channel_days', 'spend_cny', 'sessions',
        slice_kind=slice_kind, slice_value=slice_value
    ) }}
    {%- endfor %}
    union all
    {{ kpi_day_rows(
        'roi', 'campaign_days', 'attributed_net_revenue_cny', 'spend_cny',
        slice_kind='campaign', slice_value='campaign_id'
    ) }}
    union all
    {{ kpi_day_rows(
        'margin_roi', 'campaign_days', 'attributed_gross_margin_cny', 'spend_cny',
        slice_kind='campaign', slice_value='campaign_id'
    ) }}
    {%- for slice_kind, slice_value, where in [
        ('total', "'all'", none),
        ('channel', 'channel', none),
        ('campaign', 'campaign_id', 'campaign_id is not null'),
    ] %}
        union all
    {{ kpi_day_rows(
        'ad_spend', 'ad_spend', 'spend_cny', slice_kind=slice_kind, slice_value=slice_value,
        date_column='spend_date', where=where
    ) }}
    {%- endfor %}
    union all
    {{ kpi_day_rows(
        'cost_per_registered_user', 'registration_days', 'spend_cny', 'registered_users'
    ) }}
),

-- Monthly KPIs of the channel months: CAC, budget share and pacing, cost per acquired user
-- by channel (registrations credited to the channel).
month_rows as (
    {%- for slice_kind, slice_value in [('total', "'all'"), ('channel', 'channel')] %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            'cac' as kpi_id,
            month_start_date,
            '{{ slice_kind }}' as slice_kind,
            cast({{ slice_value }} as {{ dbt.type_string() }}) as slice_value,
            sum(spend_cny) as numerator,
            sum(attributed_new_customers) as denominator
        from channel_months
        group by month_start_date, {{ slice_value }}
        union all
        select
            'budget_used_share' as kpi_id,
            month_start_date,
            '{{ slice_kind }}' as slice_kind,
            cast({{ slice_value }} as {{ dbt.type_string() }}) as slice_value,
            sum(spend_cny) as numerator,
            sum(budget_cny) as denominator
        from channel_months
        where budget_cny is not null
        group by month_start_date, {{ slice_value }}
    {%- endfor %}
    union all
    select
        'budget_share' as kpi_id,
        month_start_date,
        'channel' as slice_kind,
        channel as slice_value,
        spend_cny as numerator,
        month_total_spend_cny as denominator
    from channel_months
    where month_total_spend_cny > 0
    union all
    select
        'cost_per_registered_user' as kpi_id,
        month_start_date,
        'channel' as slice_kind,
        channel as slice_value,
        spend_cny as numerator,
        registered_users as denominator
    from channel_months
    where spend_cny > 0
),

-- LTV : CAC of the channel-month cohorts whose 365 days have elapsed: the numerator is the
-- LTV (net revenue per elapsed new customer), the denominator the CAC of the same month.
ltv_cac_rows as (
    {%- for slice_kind, slice_value in [('total', "'all'"), ('channel', 'channel')] %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            'ltv_to_cac' as kpi_id,
            month_start_date,
            '{{ slice_kind }}' as slice_kind,
            cast({{ slice_value }} as {{ dbt.type_string() }}) as slice_value,
            {{ double_divide(
                'sum(net_revenue_365d_cny)', 'nullif(sum(new_customers_365d_elapsed), 0)'
            ) }} as numerator,
            {{ double_divide('sum(spend_cny)', 'nullif(sum(attributed_new_customers), 0)') }}
                as denominator
        from channel_ltv_cac
        where spend_cny > 0 and new_customers_365d_elapsed > 0
        group by month_start_date, {{ slice_value }}
    {%- endfor %}
),

-- Campaign KPIs per campaign phase (warm-up, burst, tail, and the post window's repurchase).
phase_rows as (
    {%- set phase_kpis = [
        ('campaign_phase_roi', 'campaign_attributed_net_revenue_cny', 'spend_cny', "phase in ('warmup', 'burst', 'tail')"),
        ('campaign_participation_rate', 'campaign_participating_visitors', 'campaign_visitors', "phase in ('warmup', 'burst', 'tail')"),
        ('campaign_conversion_rate', 'campaign_paying_sessions', 'campaign_sessions', "phase in ('warmup', 'burst', 'tail')"),
        ('post_campaign_repurchase_rate', 'campaign_buyers_repurchasing', 'campaign_buyers', "phase = 'post'"),
    ] %}
    {%- for kpi_id, numerator, denominator, where in phase_kpis %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            '{{ kpi_id }}' as kpi_id,
            'campaign_phase' as period_grain,
            cast(starts_at as date) as period_start_date,
            'campaign_phase' as slice_kind,
            {{ dbt.concat(['campaign_id', "':'", 'phase']) }} as slice_value,
            cast({{ numerator }} as decimal(38, 6)) as numerator,
            cast({{ denominator }} as decimal(38, 6)) as denominator,
            cast(null as double) as measured_value
        from campaign_phases
        where {{ where }}
    {%- endfor %}
),

final as (
    {{ kpi_day_rollup('day_rows') }}
    union all
    {{ kpi_measures('month_rows', 'month', 'month_start_date') }}
    union all
    {{ kpi_measures('ltv_cac_rows', 'month', 'month_start_date') }}
    union all
    select * from phase_rows
)

select * from final
