-- Every raw campaign row, typed, with the data-quality rule it breaks (null when clean).

with

source as (
    select * from {{ source('shop', 'campaigns') }}
),

channels as (
    select * from {{ ref('channels') }}
),

typed as {{ cte_hint() }} (
    select
        {{ clean_text('source.campaign_id') }} as campaign_id,
        {{ clean_text('source.campaign_name') }} as campaign_name,
        lower({{ clean_text('source.channel') }}) as channel,
        coalesce(lower({{ clean_text('source.campaign_type') }}), 'unknown') as campaign_type,
        {{ shop_timestamp('source.warmup_starts_at') }} as warmup_starts_at,
        {{ shop_timestamp('source.burst_starts_at') }} as burst_starts_at,
        {{ shop_timestamp('source.tail_starts_at') }} as tail_starts_at,
        {{ shop_timestamp('source.ends_at') }} as ends_at,
        source.warmup_starts_at as warmup_starts_at_raw,
        source.burst_starts_at as burst_starts_at_raw,
        source.tail_starts_at as tail_starts_at_raw,
        source.ends_at as ends_at_raw,
        cast(source.budget as decimal(18, 2)) as budget_cny,
        {{ raw_row_values('source') }} as dq_raw_values,
        {{ dq_source_position('source') }}
    from source
),

ranked as (
    {{ dq_ranked_by_key(['typed.campaign_id']) }}
),

checked as (
    select
        typed.*,
        {{ dq_first_broken_rule([
            ('missing_key', 'typed.campaign_id is null or typed.channel is null'),
            ('duplicate_key', dq_is_duplicate()),
            ('conflicting_duplicate', dq_is_later_row()),
            ('unparseable_timestamp',
                is_unparseable('typed.warmup_starts_at_raw', 'typed.warmup_starts_at')
                ~ ' or ' ~ is_unparseable('typed.burst_starts_at_raw', 'typed.burst_starts_at')
                ~ ' or ' ~ is_unparseable('typed.tail_starts_at_raw', 'typed.tail_starts_at')
                ~ ' or ' ~ is_unparseable('typed.ends_at_raw', 'typed.ends_at')),
            ('negative_amount', 'typed.budget_cny < 0'),
            ('invalid_value',
                'typed.warmup_starts_at is null or typed.ends_at is null'
                ~ ' or typed.burst_starts_at < typed.warmup_starts_at'
                ~ ' or typed.tail_starts_at < typed.burst_starts_at'
                ~ ' or typed.ends_at < typed.tail_starts_at'
                ~ ' or typed.ends_at <= typed.warmup_starts_at'),
            ('unknown_channel', 'channels.channel is null'),
        ]) }} as dq_rule
    from ranked as typed
    left join channels
        on typed.channel = channels.channel
),

final as (
    select
        campaign_id,
        campaign_name,
        channel,
        campaign_type,
        warmup_starts_at,
        burst_starts_at,
        tail_starts_at,
        ends_at,
        budget_cny,
        dq_rule,
        dq_source_file,
        dq_source_line,
        {{ dq_row_key(['campaign_id']) }} as dq_row_key,
        -- Raw values are kept only for quarantined rows: clean rows live on in staging.
        case
            when dq_rule is not null then {{ raw_values_text('dq_raw_values') }}
        end as dq_raw_values
    from checked
)

select * from final
