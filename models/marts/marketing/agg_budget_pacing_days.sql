-- One row per day x channel with a budget or spend that month: month-to-date spend against
-- the channel's monthly budget (預算執行), the pace the calendar expects, the projected month
-- end, the contingency reserve kept back, and the shop's month-to-date totals that raise the
-- "freeze non-core channels" alert.

with

dates as (
    select * from {{ ref('dim_dates') }}
),

ad_spend as (
    select * from {{ ref('fct_ad_spend') }}
),

budgets as (
    select * from {{ ref('stg_shop__marketing_budgets') }}
),

spend_daily as (
    select
        ad_spend.spend_date as date_day,
        ad_spend.channel,
        sum(ad_spend.spend_cny) as spend_cny
    from ad_spend
    group by ad_spend.spend_date, ad_spend.channel
),

channel_months as (
    select
        budgets.budget_month as month_start_date,
        budgets.channel
    from budgets
    union
    select
        cast({{ dbt.date_trunc('month', 'spend_daily.date_day') }} as date) as month_start_date,
        spend_daily.channel
    from spend_daily
),

grid as (
    select
        dates.date_day,
        dates.month_start_date,
        dates.day_of_month,
        cast(
            extract(day from {{ dbt.last_day('dates.month_start_date', 'month') }}) as integer
        ) as days_in_month,
        channel_months.channel
    from dates
    inner join channel_months
        on dates.month_start_date = channel_months.month_start_date
),

cumulated as (
    select
        grid.date_day,
        grid.month_start_date,
        grid.day_of_month,
        grid.days_in_month,
        grid.channel,
        coalesce(spend_daily.spend_cny, 0) as spend_cny,
        sum(coalesce(spend_daily.spend_cny, 0)) over (
            partition by grid.channel, grid.month_start_date
            order by grid.date_day
            rows between unbounded preceding and current row
        ) as month_to_date_spend_cny,
        budgets.budget_cny,
        coalesce(budgets.is_core_channel, false) as is_core_channel
    from grid
    left join spend_daily
        on
            grid.date_day = spend_daily.date_day
            and grid.channel = spend_daily.channel
    left join budgets
        on
            grid.month_start_date = budgets.budget_month
            and grid.channel = budgets.channel
),

with_shop as (
    select
        cumulated.*,
        sum(cumulated.month_to_date_spend_cny) over (partition by cumulated.date_day)
            as shop_month_to_date_spend_cny,
        sum(cumulated.budget_cny) over (partition by cumulated.date_day) as shop_budget_cny
    from cumulated
),

measured as (
    select
        {{ surrogate_key(['with_shop.date_day', 'with_shop.channel']) }} as channel_day_id,
        with_shop.date_day,
        with_shop.month_start_date,
        with_shop.channel,
        with_shop.is_core_channel,
        cast(with_shop.spend_cny as decimal(18, 2)) as spend_cny,
        cast(with_shop.month_to_date_spend_cny as decimal(18, 2)) as month_to_date_spend_cny,
        with_shop.budget_cny,
        cast(with_shop.budget_cny * {{ var('contingency_reserve_share') }} as decimal(18, 2))
            as contingency_reserve_cny,
        cast(with_shop.budget_cny * (1 - {{ var('contingency_reserve_share') }}) as decimal(18, 2))
            as spendable_budget_cny,
        {{ safe_divide('with_shop.month_to_date_spend_cny', 'with_shop.budget_cny') }}
            as budget_used_share,
        cast(with_shop.day_of_month as double) / with_shop.days_in_month
            as expected_pace_share,
        {{ double_to_decimal(double_divide(
            'with_shop.month_to_date_spend_cny * with_shop.days_in_month', 'with_shop.day_of_month'
        ), 18, 2) }} as projected_month_spend_cny,
        cast(with_shop.shop_month_to_date_spend_cny as decimal(18, 2))
            as shop_month_to_date_spend_cny,
        with_shop.shop_budget_cny,
        {{ safe_divide('with_shop.shop_month_to_date_spend_cny', 'with_shop.shop_budget_cny') }}
            as shop_budget_used_share
    from with_shop
),

final as (
    select
        measured.*,
        {{ safe_divide('measured.budget_used_share', 'measured.expected_pace_share') }}
            as pacing_index,
        coalesce(measured.month_to_date_spend_cny > measured.spendable_budget_cny, false)
            as is_into_contingency_reserve,
        coalesce(
            measured.budget_used_share > 1 + {{ var('budget_overrun_alert_share') }}, false
        ) as is_over_budget_beyond_alert_share,
        coalesce(
            not measured.is_core_channel
            and measured.shop_budget_used_share > 1 + {{ var('budget_overrun_alert_share') }},
            false
        ) as should_freeze
    from measured
)

select * from final
