-- Every raw order line, typed, with the data-quality rule it breaks (null when clean).
-- Loaded incrementally: a run re-checks the lines of the orders in the late-arrival window
-- (placed within late_arrival_days of the newest order a loaded line belongs to), the lines
-- not loaded before, and every row of their keys; see macros/incremental.sql.

{{ config(
    materialized=incremental_materialization(),
    incremental_strategy=incremental_strategy(),
    unique_key=['dq_source_file', 'dq_source_line'],
) }}

{%- set window_start = late_window_start(
    'loaded_orders.ordered_at',
    from_sql=this ~ ' as loaded_lines inner join ' ~ ref('base_shop__orders')
    ~ ' as loaded_orders on loaded_lines.order_id = loaded_orders.order_id',
    where='loaded_lines.dq_rule is null and loaded_orders.dq_rule is null',
) %}

with

source as {{ cte_hint(materialize=loads_incrementally()) }} (
    {{ late_window_rows(source('shop', 'order_items'), ['order_id', 'line_number'], [
        loaded_parent_in_window(
            'order_id', ref('base_shop__orders'), 'order_id', 'ordered_at', window_start
        ),
        loaded_row_awaits_parent(),
    ]) }}
),

typed as {{ cte_hint() }} (
    select
        {{ clean_text('source.order_id') }} as order_id,
        source.line_number,
        {{ clean_text('source.product_id') }} as product_id,
        source.quantity,
        cast(source.unit_price as decimal(18, 2)) as unit_price_cny,
        cast(coalesce(source.discount_amount, 0) as decimal(18, 2)) as discount_amount_cny,
        {{ raw_row_values('source') }} as dq_raw_values,
        {{ dq_source_position('source') }}
    from source
),

order_keys as (
    {{ dq_parent_keys(
        ref('base_shop__orders'), 'order_id',
        within='select typed.order_id from typed' if loads_incrementally() else none
    ) }}
),

product_keys as (
    {{ dq_parent_keys(ref('base_shop__products'), 'product_id') }}
),

ranked as (
    {{ dq_ranked_by_key(['typed.order_id', 'typed.line_number']) }}
),

checked as (
    select
        typed.*,
        {{ dq_first_broken_rule([
            ('missing_key',
                'typed.order_id is null or typed.line_number is null or typed.product_id is null'),
            ('duplicate_key', dq_is_duplicate()),
            ('conflicting_duplicate', dq_is_later_row()),
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
    from ranked as typed
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
        case
            when dq_rule is not null then {{ raw_values_text('dq_raw_values') }}
        end as dq_raw_values
    from checked
)

select * from final
