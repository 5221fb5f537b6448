-- Every raw order row, typed, with the data-quality rule it breaks (null when clean).
-- An order needs a known customer; its session is a soft reference (a shop may have no
-- traffic data, and marketplace orders have no tracked session).
-- Loaded incrementally: a run re-checks the late-arrival window (orders placed within
-- late_arrival_days of the newest one, the orders of customers registered in that window,
-- and every row of their order ids); see macros/incremental.sql.

{{ config(
    materialized=incremental_materialization(),
    incremental_strategy=incremental_strategy(),
    unique_key=['dq_source_file', 'dq_source_line'],
) }}

{%- set window_start = late_window_start('ordered_at') %}

with

source as {{ cte_hint(materialize=loads_incrementally()) }} (
    {{ late_window_rows(source('shop', 'orders'), ['order_id'], [
        loaded_dated_on_or_after('loaded.ordered_at', window_start),
        loaded_row_awaits_parent(),
        loaded_parent_in_window(
            'customer_id', ref('base_shop__customers'), 'customer_id', 'registered_at', window_start
        ),
    ]) }}
),

typed as {{ cte_hint() }} (
    select
        {{ clean_text('source.order_id') }} as order_id,
        {{ clean_text('source.customer_id') }} as customer_id,
        {{ clean_text('source.session_id') }} as session_id,
        {{ shop_timestamp('source.ordered_at') }} as ordered_at,
        {{ shop_timestamp('source.paid_at') }} as paid_at,
        {{ shop_timestamp('source.shipped_at') }} as shipped_at,
        {{ shop_timestamp('source.delivered_at') }} as delivered_at,
        source.ordered_at as ordered_at_raw,
        source.paid_at as paid_at_raw,
        source.shipped_at as shipped_at_raw,
        source.delivered_at as delivered_at_raw,
        lower({{ clean_text('source.status') }}) as status,
        coalesce(lower({{ clean_text('source.platform') }}), 'unknown') as platform,
        {{ clean_text('source.coupon_code') }} as coupon_code,
        cast(coalesce(source.discount_amount, 0) as decimal(18, 2)) as discount_amount_cny,
        cast(coalesce(source.shipping_fee, 0) as decimal(18, 2)) as shipping_fee_cny,
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

ranked as (
    {{ dq_ranked_by_key(['typed.order_id']) }}
),

checked as (
    select
        typed.*,
        {{ dq_first_broken_rule([
            ('missing_key', 'typed.order_id is null or typed.customer_id is null'),
            ('duplicate_key', dq_is_duplicate()),
            ('conflicting_duplicate', dq_is_later_row()),
            ('unparseable_timestamp',
                is_unparseable('typed.ordered_at_raw', 'typed.ordered_at')
                ~ ' or ' ~ is_unparseable('typed.paid_at_raw', 'typed.paid_at')
                ~ ' or ' ~ is_unparseable('typed.shipped_at_raw', 'typed.shipped_at')
                ~ ' or ' ~ is_unparseable('typed.delivered_at_raw', 'typed.delivered_at')
                ~ ' or typed.ordered_at is null'),
            ('future_timestamp',
                'greatest(typed.ordered_at, coalesce(typed.paid_at, typed.ordered_at),'
                ~ ' coalesce(typed.shipped_at, typed.ordered_at),'
                ~ ' coalesce(typed.delivered_at, typed.ordered_at)) > ' ~ dq_reference_time()),
            ('negative_amount', 'typed.discount_amount_cny < 0 or typed.shipping_fee_cny < 0'),
            ('implausible_value',
                dq_is_implausible(['typed.discount_amount_cny', 'typed.shipping_fee_cny'])),
            ('invalid_value',
                "typed.status is null or typed.status not in"
                ~ " ('created', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded')"
                ~ " or (typed.status in ('paid', 'shipped', 'delivered', 'refunded')"
                ~ " and typed.paid_at is null)"),
            ('orphan_reference', 'customer_keys.customer_id is null'),
            ('parent_quarantined', 'not customer_keys.is_kept'),
        ]) }} as dq_rule
    from ranked as typed
    left join customer_keys
        on typed.customer_id = customer_keys.customer_id
),

final as (
    select
        order_id,
        customer_id,
        session_id,
        ordered_at,
        paid_at,
        shipped_at,
        delivered_at,
        status,
        -- Paid = money was received and the order was not cancelled before payment; refunded
        -- orders stay paid (their refunds reduce net revenue). See DECISIONLOG.md.
        paid_at is not null
        and coalesce(status in ('paid', 'shipped', 'delivered', 'refunded'), false) as is_paid,
        platform,
        coupon_code,
        discount_amount_cny,
        shipping_fee_cny,
        dq_rule,
        dq_source_file,
        dq_source_line,
        {{ dq_row_key(['order_id']) }} as dq_row_key,
        -- Raw values are kept only for quarantined rows: clean rows live on in staging.
        case
            when dq_rule is not null then {{ raw_values_text('dq_raw_values') }}
        end as dq_raw_values
    from checked
)

select * from final
