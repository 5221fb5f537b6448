-- Every raw customer row, typed, personal data hashed/masked, with the data-quality rule it
-- breaks (null when clean). Clean rows continue as stg_shop__customers.

with

source as (
    select * from {{ source('shop', 'customers') }}
),

-- Personal data is hashed or masked before anything else reads the row, so neither the
-- quarantine's raw values nor any later model holds it in clear.
masked as (
    select
        source.customer_id,
        source.registered_at,
        source.birth_year,
        source.gender,
        source.province,
        source.city,
        {{ mask_name('source.customer_name') }} as customer_name,
        {{ mask_phone('source.phone') }} as phone,
        case when {{ clean_text('source.address') }} is not null then '***' end as address,
        source.member_tier,
        {{ hash_pii('source.customer_name') }} as customer_name_hash,
        {{ hash_pii('source.phone') }} as phone_hash,
        {{ hash_pii('source.address') }} as address_hash
    from source
),

typed as (
    select
        {{ clean_text('masked.customer_id') }} as customer_id,
        {{ shop_timestamp('masked.registered_at') }} as registered_at,
        masked.registered_at as registered_at_raw,
        masked.birth_year,
        coalesce(lower({{ clean_text('masked.gender') }}), 'unknown') as gender,
        {{ clean_text('masked.province') }} as province,
        {{ clean_text('masked.city') }} as city,
        masked.customer_name as customer_name_masked,
        masked.customer_name_hash,
        masked.phone as phone_masked,
        masked.phone_hash,
        masked.address_hash,
        coalesce(lower({{ clean_text('masked.member_tier') }}), 'none') as member_tier,
        {{ row_to_json('masked') }} as dq_raw_values
    from masked
),

checked as (
    select
        typed.*,
        {{ dq_first_broken_rule([
            ('missing_key', 'typed.customer_id is null'),
            ('duplicate_key', dq_is_duplicate(['typed.customer_id'], 'typed.dq_raw_values')),
            ('unparseable_timestamp',
                is_unparseable('typed.registered_at_raw', 'typed.registered_at')),
            ('future_timestamp', 'typed.registered_at > ' ~ dq_reference_time()),
            ('invalid_value',
                'typed.birth_year < 1900 or typed.birth_year > extract(year from '
                ~ dq_reference_time() ~ ')'),
        ]) }} as dq_rule
    from typed
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
        {{ dq_row_key(['customer_id']) }} as dq_row_key,
        -- Raw values are kept only for quarantined rows: clean rows live on in staging.
        case when dq_rule is not null then dq_raw_values end as dq_raw_values
    from checked
)

select * from final
