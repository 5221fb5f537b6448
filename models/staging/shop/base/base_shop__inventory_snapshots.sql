-- Every raw inventory snapshot (day x product), typed, with the data-quality rule it
-- breaks (null when clean).

with

source as (
    select * from {{ source('shop', 'inventory_snapshots') }}
),

product_keys as (
    {{ dq_parent_keys(ref('base_shop__products'), 'product_id') }}
),

typed as {{ cte_hint() }} (
    select
        {{ shop_date('source.snapshot_date') }} as snapshot_date,
        {{ clean_text('source.snapshot_date') }} as snapshot_date_raw,
        {{ clean_text('source.product_id') }} as product_id,
        source.on_hand_qty,
        coalesce(source.safety_stock_qty, 0) as safety_stock_qty,
        {{ raw_row_values('source') }} as dq_raw_values,
        {{ dq_source_position('source') }}
    from source
),

ranked as (
    {{ dq_ranked_by_key(['typed.snapshot_date_raw', 'typed.product_id']) }}
),

checked as (
    select
        typed.*,
        {{ dq_first_broken_rule([
            ('missing_key', 'typed.snapshot_date_raw is null or typed.product_id is null'),
            ('duplicate_key', dq_is_duplicate()),
            ('conflicting_duplicate', dq_is_later_row()),
            ('unparseable_timestamp', 'typed.snapshot_date is null'),
            ('future_timestamp',
                'typed.snapshot_date > cast(' ~ dq_reference_time() ~ ' as date)'),
            ('negative_amount', 'typed.on_hand_qty < 0 or typed.safety_stock_qty < 0'),
            ('invalid_value', 'typed.on_hand_qty is null'),
            ('orphan_reference', 'product_keys.product_id is null'),
            ('parent_quarantined', 'not product_keys.is_kept'),
        ]) }} as dq_rule
    from ranked as typed
    left join product_keys
        on typed.product_id = product_keys.product_id
),

final as (
    select
        snapshot_date,
        product_id,
        on_hand_qty,
        safety_stock_qty,
        dq_rule,
        dq_source_file,
        dq_source_line,
        {{ dq_row_key(['snapshot_date_raw', 'product_id']) }} as dq_row_key,
        -- Raw values are kept only for quarantined rows: clean rows live on in staging.
        case
            when dq_rule is not null then {{ raw_values_text('dq_raw_values') }}
        end as dq_raw_values
    from checked
)

select * from final
