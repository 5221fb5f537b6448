-- The date every customer-value mart is measured as of: var customer_value_as_of_date, or
-- the last shop date with a paid order.

{%- set as_of_var = var('customer_value_as_of_date', '') %}

with

paid_orders as (
    select cast(paid_at as date) as paid_date
    from {{ ref('stg_shop__orders') }}
    where is_paid
),

final as (
    select
        coalesce(
            cast({{ "'" ~ as_of_var ~ "'" if as_of_var else 'null' }} as date),
            max(paid_orders.paid_date)
        ) as as_of_date
    from paid_orders
)

select * from final
