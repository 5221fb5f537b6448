-- One row: how fresh the warehouse is, for the report site's "data from … to …, refreshed
-- at …" line. The data's first and last shop days come from the KPI layer's reporting
-- window; the last payment and the last session are the newest rows the marts hold.
-- refreshed_at is when this build ran (dbt's run_started_at, UTC); a build with
-- SOURCE_DATE_EPOCH set (seconds since 1970, the reproducible-builds convention) writes that
-- time instead, so two builds of the same input can give the same row.

{%- set epoch = env_var('SOURCE_DATE_EPOCH', '') | trim %}
{%- if epoch %}
    {%- set refreshed = modules.datetime.datetime.utcfromtimestamp(epoch | int) %}
{%- else %}
    {%- set refreshed = run_started_at %}
{%- endif %}

with

reporting_window as (
    select * from {{ ref('int_kpi_reporting_window') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

newest_payment as (
    select max(paid_at) as last_paid_at
    from orders
    where is_paid
),

newest_session as (
    select max(started_at) as last_session_started_at
    from sessions
),

final as (
    select
        reporting_window.data_start_date,
        reporting_window.data_end_date,
        reporting_window.provisional_days,
        newest_payment.last_paid_at,
        newest_session.last_session_started_at,
        cast('{{ refreshed.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp) as refreshed_at
    from reporting_window
    cross join newest_payment
    cross join newest_session
)

select * from final
