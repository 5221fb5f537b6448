-- Every raw order line, typed, with the data-quality rule it breaks (null when clean).

with

source as (
    select * from {{ source('shop', 'order_items') }}
),

order_keys as (
    {{ dq_parent_keys(ref('base_shop__orders'), 'order_id') }}
),

product_keys as (
    {{ dq_parent_keys(ref('base_shop__products'), 'product_id') }}
),

typed as (
    select
        {{ clean_text('source.order_id') }} as order_id,
        source.line_number,
        {{ clean_text('source.product_id') }} as product_id,
        source.quantity,
        cast(source.unit_price as decimal(18, 2)) as unit_price_cny,
        cast(coalesce(source.discount_amount, 0) as decimal(18, 2)) as discount_amount_cny,
        {{ raw_row_json('source') }} as dq_raw_values,
        {{ dq_source_position('source') }}
    from source
),

checked as (
    select
        typed.*,
        {{ dq_first_broken_rule([
            ('missing_key',
                'typed.order_id is null or typed.line_number is null or typed.product_id is null'),
            ('duplicate_key', dq_is_duplicate(['typed.order_id', 'typed.line_number'], 'typed.dq_raw_values')),
            ('conflicting_duplicate', dq_is_later_row(['typed.order_id', 'typed.line_number'])),
            ('negative_amount',
                'typed.quantity < 0 or typed.unit_price_cny < 0 or typed.discount_amount_cny < 0'),
            ('implausible_value', dq_is_implausible(
                ['typed.unit_price_cny', 'typed.discount_amount_cny'], ['typed.quantity'])),
            ('invalid_value', 'typed.quantity = 0 or typed.quantity is null'
                ~ ' or typed.unit_price_cny is null'),
            ('orphan_reference',
                'order_keys.order_id is null or product_keys.product_id is null'),
            ('parent_quarantined', 'not order_keys.is_kept or not product_keys.is_kept'),
        ]) }} as dq_rule
    from typed
    left join order_keys
        on typed.order_id = order_keys.order_id
    left join product_keys
        on typed.product_id = product_keys.product_id
),

final as (
    select
        order_id,
        line_number,
        product_id,
        quantity,
        unit_price_cny,
        discount_amount_cny,
        dq_rule,
        dq_source_file,
        dq_source_line,
        {{ dq_row_key(['order_id', 'line_number']) }} as dq_row_key,
        -- Raw values are kept only for quarantined rows: clean rows live on in staging.
        case when dq_rule is not null then dq_raw_values end as dq_raw_values
    from checked
)

select * from final
