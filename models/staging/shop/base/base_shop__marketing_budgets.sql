-- Every raw monthly budget row (month x channel), typed, with the data-quality rule it
-- breaks (null when clean).

with

source as (
    select * from {{ source('shop', 'marketing_budgets') }}
),

channels as (
    select * from {{ ref('channels') }}
),

typed as {{ cte_hint() }} (
    select
        {{ shop_date('source.budget_month') }} as budget_month,
        {{ clean_text('source.budget_month') }} as budget_month_raw,
        lower({{ clean_text('source.channel') }}) as channel,
        cast(source.budget as decimal(18, 2)) as budget_cny,
        coalesce(source.is_core_channel, false) as is_core_channel,
        {{ raw_row_values('source') }} as dq_raw_values,
        {{ dq_source_position('source') }}
    from source
),

ranked as (
    {{ dq_ranked_by_key(['typed.budget_month_raw', 'typed.channel']) }}
),

checked as (
    select
        typed.*,
        {{ dq_first_broken_rule([
            ('missing_key', 'typed.budget_month_raw is null or typed.channel is null'),
            ('duplicate_key', dq_is_duplicate()),
            ('conflicting_duplicate', dq_is_later_row()),
            ('unparseable_timestamp', 'typed.budget_month is null'),
            ('negative_amount', 'typed.budget_cny < 0'),
            ('invalid_value', 'typed.budget_cny is null or extract(day from typed.budget_month) <> 1'),
            ('unknown_channel', 'channels.channel is null'),
        ]) }} as dq_rule
    from ranked as typed
    left join channels
        on typed.channel = channels.channel
),

final as (
    select
        budget_month,
        channel,
        budget_cny,
        is_core_channel,
        dq_rule,
        dq_source_file,
        dq_source_line,
        {{ dq_row_key(['budget_month_raw', 'channel']) }} as dq_row_key,
        -- Raw values are kept only for quarantined rows: clean rows live on in staging.
        case
            when dq_rule is not null then {{ raw_values_text('dq_raw_values') }}
        end as dq_raw_values
    from checked
)

select * from final
