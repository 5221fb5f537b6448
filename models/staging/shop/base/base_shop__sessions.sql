-- Every raw session row, typed, with the data-quality rule it breaks (null when clean).
-- Loaded incrementally: a run re-checks the late-arrival window (sessions started within
-- late_arrival_days of the newest one, the sessions of customers registered in that window,
-- and every row of their session ids); see macros/incremental.sql.

{{ config(
    materialized=incremental_materialization(),
    incremental_strategy=incremental_strategy(),
    unique_key=['dq_source_file', 'dq_source_line'],
) }}

{%- set window_start = late_window_start('started_at') %}

with

source as {{ cte_hint(materialize=loads_incrementally()) }} (
    {{ late_window_rows(source('shop', 'sessions'), ['session_id'], [
        loaded_dated_on_or_after('loaded.started_at', window_start),
        loaded_row_awaits_parent(),
        loaded_parent_in_window(
            'customer_id', ref('base_shop__customers'), 'customer_id', 'registered_at', window_start
        ),
    ]) }}
),

channels as (
    select * from {{ ref('channels') }}
),

typed as {{ cte_hint() }} (
    select
        {{ clean_text('source.session_id') }} as session_id,
        {{ clean_text('source.visitor_id') }} as visitor_id,
        {{ clean_text('source.customer_id') }} as customer_id,
        {{ shop_timestamp('source.started_at') }} as started_at,
        source.started_at as started_at_raw,
        lower({{ clean_text('source.channel') }}) as channel,
        {{ clean_text('source.source') }} as traffic_source,
        {{ clean_text('source.medium') }} as traffic_medium,
        {{ clean_text('source.campaign_id') }} as campaign_id,
        coalesce(lower({{ clean_text('source.device') }}), 'unknown') as device,
        coalesce({{ clean_text('source.landing_page') }}, '(none)') as landing_page,
        source.page_load_ms,
        source.is_bot as is_bot_flagged,
        {{ raw_row_values('source') }} as dq_raw_values,
        {{ dq_source_position('source') }}
    from source
),

customer_keys as (
    {{ dq_parent_keys(
        ref('base_shop__customers'), 'customer_id',
        within='select typed.customer_id from typed' if loads_incrementally() else none
    ) }}
),

campaign_keys as (
    {{ dq_parent_keys(ref('base_shop__campaigns'), 'campaign_id') }}
),

ranked as (
    {{ dq_ranked_by_key(['typed.session_id']) }}
),

checked as (
    select
        typed.*,
        {{ dq_first_broken_rule([
            ('missing_key',
                'typed.session_id is null or typed.visitor_id is null or typed.channel is null'),
            ('duplicate_key', dq_is_duplicate()),
            ('conflicting_duplicate', dq_is_later_row()),
            ('unparseable_timestamp',
                is_unparseable('typed.started_at_raw', 'typed.started_at')
                ~ ' or typed.started_at is null'),
            ('future_timestamp', 'typed.started_at > ' ~ dq_reference_time()),
            ('negative_amount', 'typed.page_load_ms < 0'),
            ('unknown_channel', 'channels.channel is null'),
            ('orphan_reference',
                '(typed.customer_id is not null and customer_keys.customer_id is null)'
                ~ ' or (typed.campaign_id is not null and campaign_keys.campaign_id is null)'),
            ('parent_quarantined', 'not customer_keys.is_kept or not campaign_keys.is_kept'),
        ]) }} as dq_rule
    from ranked as typed
    left join channels
        on typed.channel = channels.channel
    left join customer_keys
        on typed.customer_id = customer_keys.customer_id
    left join campaign_keys
        on typed.campaign_id = campaign_keys.campaign_id
),

final as (
    select
        session_id,
        visitor_id,
        customer_id,
        started_at,
        channel,
        traffic_source,
        traffic_medium,
        campaign_id,
        device,
        landing_page,
        page_load_ms,
        is_bot_flagged,
        dq_rule,
        dq_source_file,
        dq_source_line,
        {{ dq_row_key(['session_id']) }} as dq_row_key,
        -- Raw values are kept only for quarantined rows: clean rows live on in staging.
        case
            when dq_rule is not null then {{ raw_values_text('dq_raw_values') }}
        end as dq_raw_values
    from checked
)

select * from final
