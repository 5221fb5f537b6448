-- Every raw review row, typed, with the data-quality rule it breaks (null when clean).

with

source as (
    select * from {{ source('shop', 'reviews') }}
),

order_keys as (
    {{ dq_parent_keys(ref('base_shop__orders'), 'order_id') }}
),

product_keys as (
    {{ dq_parent_keys(ref('base_shop__products'), 'product_id') }}
),

typed as {{ cte_hint() }} (
    select
        {{ clean_text('source.review_id') }} as review_id,
        {{ clean_text('source.order_id') }} as order_id,
        {{ clean_text('source.product_id') }} as product_id,
        source.rating,
        {{ shop_timestamp('source.reviewed_at') }} as reviewed_at,
        source.reviewed_at as reviewed_at_raw,
        {{ raw_row_values('source') }} as dq_raw_values,
        {{ dq_source_position('source') }}
    from source
),

ranked as (
    {{ dq_ranked_by_key(['typed.review_id']) }}
),

checked as (
    select
        typed.*,
        {{ dq_first_broken_rule([
            ('missing_key',
                'typed.review_id is null or typed.order_id is null or typed.product_id is null'),
            ('duplicate_key', dq_is_duplicate()),
            ('conflicting_duplicate', dq_is_later_row()),
            ('unparseable_timestamp',
                is_unparseable('typed.reviewed_at_raw', 'typed.reviewed_at')
                ~ ' or typed.reviewed_at is null'),
            ('future_timestamp', 'typed.reviewed_at > ' ~ dq_reference_time()),
            ('invalid_value', 'typed.rating is null or typed.rating not between 1 and 5'),
            ('orphan_reference',
                'order_keys.order_id is null or product_keys.product_id is null'),
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
        review_id,
        order_id,
        product_id,
        rating,
        reviewed_at,
        dq_rule,
        dq_source_file,
        dq_source_line,
        {{ dq_row_key(['review_id']) }} as dq_row_key,
        -- Raw values are kept only for quarantined rows: clean rows live on in staging.
        case
            when dq_rule is not null then {{ raw_values_text('dq_raw_values') }}
        end as dq_raw_values
    from checked
)

select * from final
