-- No clear personal data in the warehouse: the raw customers table, the customer dimension
-- and the quarantine's raw values hold names, phone numbers and addresses only masked
-- (王**, 138****5678, ***) or as salted SHA-256 hashes. The check reads the personal fields
-- themselves, and looks for a whole value that is a mainland mobile number in any other
-- field of a quarantined row; the hexadecimal hashes, whose digit runs can look like phone
-- numbers, are left out of that search.

with

raw_customers as (
    select * from {{ source('shop', 'customers') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

quarantine as (
    select * from {{ ref('dq_quarantine') }}
),

quarantined_customers as (
    select
        quarantine.quarantined_row_id,
        {{ json_text_field('quarantine.raw_values', '$.customer_name') }} as customer_name,
        {{ json_text_field('quarantine.raw_values', '$.phone') }} as phone,
        {{ json_text_field('quarantine.raw_values', '$.address') }} as address
    from quarantine
    where quarantine.source_table = 'customers'
),

personal_fields as (
    select
        'raw.customers' as found_in,
        raw_customers.customer_id as row_id,
        raw_customers.customer_name,
        raw_customers.phone,
        raw_customers.address
    from raw_customers
    union all
    select
        'dim_customers' as found_in,
        customers.customer_id as row_id,
        customers.customer_name_masked as customer_name,
        customers.phone_masked as phone,
        null as address
    from customers
    union all
    select
        'dq_quarantine.raw_values' as found_in,
        quarantined_customers.quarantined_row_id as row_id,
        quarantined_customers.customer_name,
        quarantined_customers.phone,
        quarantined_customers.address
    from quarantined_customers
),

findings as (
    select
        personal_fields.found_in,
        personal_fields.row_id
    from personal_fields
    where
        not {{ regexp_full_match("coalesce(personal_fields.customer_name, '*')", '.\\**') }}
        or not {{ regexp_full_match(
            "coalesce(personal_fields.phone, '****')", '([0-9+]{3}\\*{4}.{4})|\\*{4}'
        ) }}
        or coalesce(personal_fields.address, '***') <> '***'
    union all
    select
        'dq_quarantine.raw_values' as found_in,
        quarantine.quarantined_row_id as row_id
    from quarantine
    where regexp_matches(
            regexp_replace(quarantine.raw_values, '"[a-z_]+_hash":"[0-9a-f]{64}"', '', 'g'),
            '"1[3-9][0-9]{9}"'
        )
)

select * from findings
