-- Every raw customer row, typed, with the data-quality rule it breaks (null when clean).
-- Clean rows continue as stg_shop__customers. Personal data arrives masked, with a salted
-- hash beside it: `shopkpi load-raw` never stores it in clear.

with

source as (
    select * from {{ source('shop', 'customers') }}
),

typed as {{ cte_hint() }} (
    select
        {{ clean_text('source.customer_id') }} as customer_id,
        {{ shop_timestamp('source.registered_at') }} as registered_at,
        source.registered_at as registered_at_raw,
        source.birth_year,
        coalesce(lower({{ clean_text('source.gender') }}), 'unknown') as gender,
        {{ clean_text('source.province') }} as province,
        {{ clean_text('source.city') }} as city,
        source.customer_name as customer_name_masked,
        source.customer_name_hash,
        source.phone as phone_masked,
        source.phone_hash,
        source.address_hash,
        coalesce(lower({{ clean_text('source.member_tier') }}), 'none') as member_tier,
        {{ raw_row_values('source') }} as dq_raw_values,
        {{ dq_source_position('source') }}
    from source
),

ranked as (
    {{ dq_ranked_by_key(['typed.customer_id']) }}
),

checked as (
    select
        typed.*,
        {{ dq_first_broken_rule([
            ('missing_key', 'typed.customer_id is null'),
            ('duplicate_key', dq_is_duplicate()),
            ('conflicting_duplicate', dq_is_later_row()),
            ('unparseable_timestamp',
                is_unparseable('typed.registered_at_raw', 'typed.registered_at')),
            ('future_timestamp', 'typed.registered_at > ' ~ dq_reference_time()),
            ('invalid_value',
                'typed.birth_year < 1900 or typed.birth_year > extract(year from '
                ~ dq_reference_time() ~ ')'),
        ]) }} as dq_rule
    from ranked as typed
),

final as (
    select
        customer_id,
        registered_at,
        birth_year,
        gender,
        province,
        city,
        customer_name_masked,
        customer_name_hash,
        phone_masked,
        phone_hash,
        address_hash,
        member_tier,
        dq_rule,
        dq_source_file,
        dq_source_line,
        {{ dq_row_key(['customer_id']) }} as dq_row_key,
        -- Raw values are kept only for quarantined rows: clean rows live on in staging.
        case
            when dq_rule is not null then {{ raw_values_text('dq_raw_values') }}
        end as dq_raw_values
    from checked
)

select * from final
