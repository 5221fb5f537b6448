-- Every raw product row, typed, with the data-quality rule it breaks (null when clean).

with

source as (
    select * from {{ source('shop', 'products') }}
),

typed as {{ cte_hint() }} (
    select
        {{ clean_text('source.product_id') }} as product_id,
        {{ clean_text('source.sku') }} as sku,
        {{ clean_text('source.product_name') }} as product_name,
        coalesce({{ clean_text('source.category') }}, 'unknown') as category,
        cast(source.list_price as decimal(18, 2)) as list_price_cny,
        cast(source.unit_cost as decimal(18, 2)) as unit_cost_cny,
        {{ shop_timestamp('source.launched_at') }} as launched_at,
        source.launched_at as launched_at_raw,
        {{ raw_row_values('source') }} as dq_raw_values,
        {{ dq_source_position('source') }}
    from source
),

ranked as (
    {{ dq_ranked_by_key(['typed.product_id']) }}
),

checked as (
    select
        typed.*,
        {{ dq_first_broken_rule([
            ('missing_key', 'typed.product_id is null'),
            ('duplicate_key', dq_is_duplicate()),
            ('conflicting_duplicate', dq_is_later_row()),
            ('unparseable_timestamp', is_unparseable('typed.launched_at_raw', 'typed.launched_at')),
            ('future_timestamp', 'typed.launched_at > ' ~ dq_reference_time()),
            ('negative_amount', 'typed.list_price_cny < 0 or typed.unit_cost_cny < 0'),
            ('implausible_value',
                dq_is_implausible(['typed.list_price_cny', 'typed.unit_cost_cny'])),
        ]) }} as dq_rule
    from ranked as typed
),

final as (
    select
        product_id,
        sku,
        product_name,
        category,
        list_price_cny,
        unit_cost_cny,
        launched_at,
        dq_rule,
        dq_source_file,
        dq_source_line,
        {{ dq_row_key(['product_id']) }} as dq_row_key,
        -- Raw values are kept only for quarantined rows: clean rows live on in staging.
        case
            when dq_rule is not null then {{ raw_values_text('dq_raw_values') }}
        end as dq_raw_values
    from checked
)

select * from final
