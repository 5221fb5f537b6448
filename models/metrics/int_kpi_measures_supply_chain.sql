-- Supply chain and service KPIs 供應鏈與服務 (catalogue section 6) by day, ISO week and month,
-- total and by category, read from agg_supply_chain_periods at each of its grains (its
-- turnover, product counts and fulfilment mean, median and p90 are not sums of days).
-- One row per KPI x period x slice.

with

supply_chain_periods as (
    select
        *,
        case when category = 'all' then 'total' else 'category' end as slice_kind
    from {{ ref('agg_supply_chain_periods') }}
),

final as (
    {%- for kpi_id, numerator, denominator, measured_value in [
        ('inventory_turnover', 'cogs_cny', 'average_inventory_value_cny', 'inventory_turnover'),
        ('stock_out_rate', 'stock_out_product_days', 'product_days', 'null'),
        ('in_stock_rate', 'product_days - stock_out_product_days', 'product_days', 'null'),
        ('products_below_safety_stock', 'products_below_safety_stock', 'null', 'null'),
        ('fulfilment_days_mean', 'null', 'null', 'fulfilment_days_mean'),
        ('fulfilment_days_median', 'null', 'null', 'fulfilment_days_median'),
        ('fulfilment_days_p90', 'null', 'null', 'fulfilment_days_p90'),
        ('refund_order_rate', 'refunded_orders', 'paid_orders', 'null'),
        ('refund_amount_rate', 'refund_cny', 'gmv_cny', 'null'),
        ('negative_review_share', 'negative_reviews', 'reviews', 'null'),
    ] %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            '{{ kpi_id }}' as kpi_id,
            period_grain,
            period_start_date,
            slice_kind,
            category as slice_value,
            cast({{ numerator }} as decimal(38, 6)) as numerator,
            cast({{ denominator }} as decimal(38, 6)) as denominator,
            cast({{ measured_value }} as double) as measured_value
        from supply_chain_periods
    {%- endfor %}
)

select * from final
