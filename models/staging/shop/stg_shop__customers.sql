-- Clean customers: the rows of base_shop__customers that broke no data-quality rule.

with

checked as (
    select * from {{ ref('base_shop__customers') }}
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
        member_tier
    from checked
    where dq_rule is null
)

select * from final
