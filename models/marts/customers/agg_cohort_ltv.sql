-- One row per first-order cohort month x acquisition channel: the cohort's customers and,
-- per LTV window (30 / 90 / 180 / 365 days), how many of them have a fully elapsed window,
-- their summed net revenue and gross margin, and the mean per customer (LTV). Customers
-- whose window has not elapsed are left out of that window's figures, so a young cohort
-- shows fewer elapsed customers, not a smaller LTV. Counts and sums add up across rows;
-- roll up by summing them and dividing, never by averaging the means.

{%- set ltv_window_days = [30, 90, 180, 365] %}

with

customer_ltv as (
    select * from {{ ref('snap_customer_ltv') }}
),

cohorts as (
    select
        customer_ltv.cohort_month,
        customer_ltv.acquisition_channel,
        {%- for n in ltv_window_days %}
            cast(
                sum(case when customer_ltv.is_{{ n }}d_window_elapsed then 1 else 0 end) as bigint
            ) as customers_{{ n }}d_elapsed,
            coalesce(sum(customer_ltv.net_revenue_{{ n }}d_cny), 0) as net_revenue_{{ n }}d_cny,
            coalesce(sum(customer_ltv.gross_margin_{{ n }}d_cny), 0) as gross_margin_{{ n }}d_cny,
        {%- endfor %}
        count(*) as cohort_customers,
        max(customer_ltv.as_of_date) as as_of_date
    from customer_ltv
    group by
        customer_ltv.cohort_month,
        customer_ltv.acquisition_channel
),

final as (
    select
        {{ surrogate_key(['cohorts.cohort_month', 'cohorts.acquisition_channel']) }}
            as cohort_ltv_id,
        cohorts.cohort_month,
        cohorts.acquisition_channel,
        cohorts.cohort_customers,
        {%- for n in ltv_window_days %}
            {%- set elapsed = 'cohorts.customers_' ~ n ~ 'd_elapsed' %}
            {{ elapsed }},
            cast(cohorts.net_revenue_{{ n }}d_cny as decimal(18, 2)) as net_revenue_{{ n }}d_cny,
            cast(cohorts.gross_margin_{{ n }}d_cny as decimal(18, 2))
                as gross_margin_{{ n }}d_cny,
            {{ double_to_decimal(
                safe_divide('cohorts.net_revenue_' ~ n ~ 'd_cny', elapsed), 18, 2
            ) }} as ltv_net_revenue_{{ n }}d_cny,
            {{ double_to_decimal(
                safe_divide('cohorts.gross_margin_' ~ n ~ 'd_cny', elapsed), 18, 2
            ) }} as ltv_gross_margin_{{ n }}d_cny,
        {%- endfor %}
        cohorts.as_of_date
    from cohorts
)

select * from final
