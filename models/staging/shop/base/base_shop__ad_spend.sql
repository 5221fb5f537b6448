-- Every raw ad-spend row (day x channel x campaign), typed, with the data-quality rule it
-- breaks (null when clean). An empty campaign_id is always-on spend outside campaigns.

with

source as (
    select * from {{ source('shop', 'ad_spend') }}
),

channels as (
    select * from {{ ref('channels') }}
),

campaign_keys as (
    {{ dq_parent_keys(ref('base_shop__campaigns'), 'campaign_id') }}
),

typed as {{ cte_hint() }} (
    select
        {{ shop_date('source.spend_date') }} as spend_date,
        {{ clean_text('source.spend_date') }} as spend_date_raw,
        lower({{ clean_text('source.channel') }}) as channel,
        {{ clean_text('source.campaign_id') }} as campaign_id,
        coalesce(source.impressions, 0) as impressions,
        coalesce(source.clicks, 0) as clicks,
        cast(coalesce(source.spend, 0) as decimal(18, 2)) as spend_cny,
        {{ raw_row_values('source') }} as dq_raw_values,
        {{ dq_source_position('source') }}
    from source
),

ranked as (
    {{ dq_ranked_by_key(['typed.spend_date_raw', 'typed.channel', 'typed.campaign_id']) }}
),

checked as (
    select
        typed.*,
        {{ dq_first_broken_rule([
            ('missing_key', 'typed.spend_date_raw is null or typed.channel is null'),
            ('duplicate_key', dq_is_duplicate()),
            ('conflicting_duplicate', dq_is_later_row()),
            ('unparseable_timestamp', 'typed.spend_date is null'),
            ('future_timestamp', 'typed.spend_date > cast(' ~ dq_reference_time() ~ ' as date)'),
            ('negative_amount', 'typed.spend_cny < 0 or typed.impressions < 0 or typed.clicks < 0'),
            ('invalid_value', 'typed.clicks > typed.impressions'),
            ('unknown_channel', 'channels.channel is null'),
            ('orphan_reference', 'typed.campaign_id is not null and campaign_keys.campaign_id is null'),
            ('parent_quarantined', 'not campaign_keys.is_kept'),
        ]) }} as dq_rule
    from ranked as typed
    left join channels
        on typed.channel = channels.channel
    left join campaign_keys
        on typed.campaign_id = campaign_keys.campaign_id
),

final as (
    select
        spend_date,
        channel,
        campaign_id,
        impressions,
        clicks,
        spend_cny,
        dq_rule,
        dq_source_file,
        dq_source_line,
        {{ dq_row_key(['spend_date_raw', 'channel', 'campaign_id']) }} as dq_row_key,
        -- Raw values are kept only for quarantined rows: clean rows live on in staging.
        case
            when dq_rule is not null then {{ raw_values_text('dq_raw_values') }}
        end as dq_raw_values
    from checked
)

select * from final
