-- No mainland mobile number in clear anywhere downstream of raw: not in the quarantine's
-- raw values, not in the customer dimension's display columns.

with

quarantine as (
    select * from {{ ref('dq_quarantine') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

findings as (
    select
        'dq_quarantine.raw_values' as found_in,
        quarantine.quarantined_row_id as row_id
    from quarantine
    where regexp_matches(quarantine.raw_values, '1[3-9][0-9]{9}')
    union all
    select
        'dim_customers' as found_in,
        customers.customer_id as row_id
    from customers
    where
        regexp_matches(coalesce(customers.phone_masked, ''), '1[3-9][0-9]{9}')
        or regexp_matches(coalesce(customers.customer_name_masked, ''), '^.[^*]')
)

select * from findings
