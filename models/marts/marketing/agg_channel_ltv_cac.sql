-- One row per month x channel x attribution model: the channel's CAC in the month and the
-- lifetime value of the very customers that CAC paid for (the new customers whose first
-- paid order the model credits to the channel, weighted by their credit), 30 / 90 / 180 /
-- 365 days after their first order, and LTV : CAC at each window. A window counts only the
-- customers for whom it has fully elapsed (snap_customer_ltv); until then it is null.
-- is_default_attribution_model (from agg_channel_months) marks the default model's rows.

{%- set ltv_window_days = [30, 90, 180, 365] %}
{#- A weight (0 to 1) as decimal(11, 10): times an amount it stays within 38 digits, where
    Spark would cut a decimal(38, 10) product to 6 decimals (DuckDB keeps all 12). #}
{%- set weight = 'cast(attribution.weight as decimal(11, 10))' %}

with

channel_months as (
    select * from {{ ref('agg_channel_months') }}
),

attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

customer_ltv as (
    select * from {{ ref('snap_customer_ltv') }}
),

credited_new_customers as (
    select
        cast({{ dbt.date_trunc('month', 'attribution.paid_date') }} as date)
            as month_start_date,
        attribution.channel,
        attribution.attribution_model,
        {%- for n in ltv_window_days %}
            sum(case when customer_ltv.is_{{ n }}d_window_elapsed then attribution.weight end)
                as new_customers_{{ n }}d_elapsed,
            sum({{ weight }} * customer_ltv.net_revenue_{{ n }}d_cny) as net_revenue_{{ n }}d_cny,
            sum({{ weight }} * customer_ltv.gross_margin_{{ n }}d_cny)
                as gross_margin_{{ n }}d_cny,
        {%- endfor %}
        sum(attribution.weight) as credited_new_customers
    from attribution
    inner join customer_ltv
        on attribution.customer_id = customer_ltv.customer_id
    where attribution.is_first_paid_order
    group by
        {{ dbt.date_trunc('month', 'attribution.paid_date') }},
        attribution.channel,
        attribution.attribution_model
),

final as (
    select
        channel_months.channel_month_id,
        channel_months.month_start_date,
        channel_months.channel,
        channel_months.attribution_model,
        channel_months.is_default_attribution_model,
        channel_months.spend_cny,
        channel_months.attributed_new_customers,
        {%- for n in ltv_window_days %}
            coalesce(credited_new_customers.new_customers_{{ n }}d_elapsed, 0)
                as new_customers_{{ n }}d_elapsed,
            cast(credited_new_customers.net_revenue_{{ n }}d_cny as decimal(18, 2))
                as net_revenue_{{ n }}d_cny,
            cast(credited_new_customers.gross_margin_{{ n }}d_cny as decimal(18, 2))
                as gross_margin_{{ n }}d_cny,
            {%- set ltv = double_divide(
                'credited_new_customers.net_revenue_' ~ n ~ 'd_cny',
                'nullif(credited_new_customers.new_customers_' ~ n ~ 'd_elapsed, 0)'
            ) %}
            {{ ltv }} as ltv_net_revenue_{{ n }}d_cny,
            {{ double_divide(ltv, 'nullif(channel_months.customer_acquisition_cost_cny, 0)') }}
                as ltv_to_cac_{{ n }}d,
        {%- endfor %}
        channel_months.customer_acquisition_cost_cny
    from channel_months
    left join credited_new_customers
        on
            channel_months.month_start_date = credited_new_customers.month_start_date
            and channel_months.channel = credited_new_customers.channel
            and channel_months.attribution_model = credited_new_customers.attribution_model
)

select * from final
