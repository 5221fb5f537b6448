-- The reporting window of the KPI layer, one row: the first and last shop days with data
-- and the provisional window. Refunds arrive days after payment, so a KPI that depends on
-- refunds is provisional while its period ends within `provisional_days` of the last day:
-- var kpi_provisional_days, or by default the 90th percentile of the days from payment to
-- refund (catalogue section 11).

with

orders as (
    select * from {{ ref('fct_orders') }}
),

refunds as (
    select * from {{ ref('stg_shop__refunds') }}
),

traffic_days as (
    select * from {{ ref('agg_traffic_days') }}
),

refund_lags as (
    select
        {{ dbt.datediff('orders.paid_date', 'cast(refunds.refunded_at as date)', 'day') }}
            as refund_lag_days
    from refunds
    inner join orders
        on refunds.order_id = orders.order_id
    where orders.is_paid
),

final as (
    select
        (select min(date_day) from traffic_days) as data_start_date,
        greatest(
            (select max(paid_date) from orders),
            (
                select max(date_day) from traffic_days
                where sessions > 0
            )
        ) as data_end_date,
        {%- if var('kpi_provisional_days') | string | length > 0 %}
        cast({{ var('kpi_provisional_days') }} as integer) as provisional_days,
        'var kpi_provisional_days' as provisional_days_source
        {%- else %}
            coalesce(
                cast(ceil((
                    select percentile_cont(0.9) within group (order by refund_lag_days)
                    from refund_lags
                )) as integer),
                0
            ) as provisional_days,
            'p90 of payment-to-refund days' as provisional_days_source
        {%- endif %}
)

select * from final
