-- Every raw funnel event, typed, with the data-quality rule it breaks (null when clean).
-- Loaded incrementally: a run re-checks the late-arrival window (events dated within
-- late_arrival_days of the newest one, the events of sessions started in that window, and
-- every row of their event ids); see macros/incremental.sql.

{{ config(
    materialized=incremental_materialization(),
    incremental_strategy=incremental_strategy(),
    unique_key=['dq_source_file', 'dq_source_line'],
) }}

{%- set window_start = late_window_start('occurred_at') %}

with

source as {{ cte_hint(materialize=loads_incrementally()) }} (
    {{ late_window_rows(source('shop', 'events'), ['event_id'], [
        loaded_dated_on_or_after('loaded.occurred_at', window_start),
        loaded_row_awaits_parent(),
        loaded_parent_in_window(
            'session_id', ref('base_shop__sessions'), 'session_id', 'started_at', window_start
        ),
    ]) }}
),

typed as {{ cte_hint() }} (
    select
        {{ clean_text('source.event_id') }} as event_id,
        {{ clean_text('source.session_id') }} as session_id,
        {{ shop_timestamp('source.occurred_at') }} as occurred_at,
        source.occurred_at as occurred_at_raw,
        lower({{ clean_text('source.event_type') }}) as event_type,
        {{ clean_text('source.page') }} as page,
        {{ clean_text('source.product_id') }} as product_id,
        source.dwell_ms,
        {{ raw_row_values('source') }} as dq_raw_values,
        {{ dq_source_position('source') }}
    from source
),

session_keys as (
    {{ dq_parent_keys(
        ref('base_shop__sessions'), 'session_id',
        within='select typed.session_id from typed' if loads_incrementally() else none
    ) }}
),

product_keys as (
    {{ dq_parent_keys(ref('base_shop__products'), 'product_id') }}
),

ranked as (
    {{ dq_ranked_by_key(['typed.event_id']) }}
),

checked as (
    select
        typed.*,
        {{ dq_first_broken_rule([
            ('missing_key', 'typed.event_id is null or typed.session_id is null'),
            ('duplicate_key', dq_is_duplicate()),
            ('conflicting_duplicate', dq_is_later_row()),
            ('unparseable_timestamp',
                is_unparseable('typed.occurred_at_raw', 'typed.occurred_at')
                ~ ' or typed.occurred_at is null'),
            ('future_timestamp', 'typed.occurred_at > ' ~ dq_reference_time()),
            ('negative_amount', 'typed.dwell_ms < 0'),
            ('invalid_value',
                "typed.event_type is null or typed.event_type not in ('impression', 'click',"
                ~ " 'page_view', 'product_view', 'add_to_cart', 'checkout', 'payment')"),
            ('orphan_reference', 'session_keys.session_id is null'
                ~ ' or (typed.product_id is not null and product_keys.product_id is null)'),
            ('parent_quarantined', 'not session_keys.is_kept or not product_keys.is_kept'),
        ]) }} as dq_rule
    from ranked as typed
    left join session_keys
        on typed.session_id = session_keys.session_id
    left join product_keys
        on typed.product_id = product_keys.product_id
),

final as (
    select
        event_id,
        session_id,
        occurred_at,
        event_type,
        page,
        product_id,
        dwell_ms,
        dq_rule,
        dq_source_file,
        dq_source_line,
        {{ dq_row_key(['event_id']) }} as dq_row_key,
        -- Raw values are kept only for quarantined rows: clean rows live on in staging.
        case
            when dq_rule is not null then {{ raw_values_text('dq_raw_values') }}
        end as dq_raw_values
    from checked
)

select * from final
