-- Every raw refund row, typed, with the data-quality rule it breaks (null when clean).

with

source as (
    select * from {{ source('shop', 'refunds') }}
),

order_keys as (
    {{ dq_parent_keys(ref('base_shop__orders'), 'order_id') }}
),

product_keys as (
    {{ dq_parent_keys(ref('base_shop__products'), 'product_id') }}
),

typed as {{ cte_hint() }} (
    select
        {{ clean_text('source.refund_id') }} as refund_id,
        {{ clean_text('source.order_id') }} as order_id,
        {{ clean_text('source.product_id') }} as product_id,
        {{ shop_timestamp('source.refunded_at') }} as refunded_at,
        source.refunded_at as refunded_at_raw,
        cast(source.refund_amount as decimal(18, 2)) as refund_amount_cny,
        coalesce(lower({{ clean_text('source.reason') }}), 'unknown') as reason,
        {{ raw_row_values('source') }} as dq_raw_values,
        {{ dq_source_position('source') }}
    from source
),

ranked as (
    {{ dq_ranked_by_key(['typed.refund_id']) }}
),

checked as (
    select
        typed.*,
        {{ dq_first_broken_rule([
            ('missing_key', 'typed.refund_id is null or typed.order_id is null'),
            ('duplicate_key', dq_is_duplicate()),
            ('conflicting_duplicate', dq_is_later_row()),
            ('unparseable_timestamp',
                is_unparseable('typed.refunded_at_raw', 'typed.refunded_at')
                ~ ' or typed.refunded_at is null'),
            ('future_timestamp', 'typed.refunded_at > ' ~ dq_reference_time()),
            ('negative_amount', 'typed.refund_amount_cny < 0'),
            ('implausible_value', dq_is_implausible(['typed.refund_amount_cny'])),
            ('invalid_value', 'typed.refund_amount_cny is null'),
            ('orphan_reference', 'order_keys.order_id is null'
                ~ ' or (typed.product_id is not null and product_keys.product_id is null)'),
            ('parent_quarantined', 'not order_keys.is_kept or not product_keys.is_kept'),
        ]) }} as dq_rule
    from ranked as typed
    left join order_keys
        on typed.order_id = order_keys.order_id
    left join product_keys
        on typed.product_id = product_keys.product_id
),

final as (
    select
        refund_id,
        order_id,
        product_id,
        refunded_at,
        refund_amount_cny,
        reason,
        dq_rule,
        dq_source_file,
        dq_source_line,
        {{ dq_row_key(['refund_id']) }} as dq_row_key,
        -- Raw values are kept only for quarantined rows: clean rows live on in staging.
        case
            when dq_rule is not null then {{ raw_values_text('dq_raw_values') }}
        end as dq_raw_values
    from checked
)

select * from final
