-- One row per calendar day, from the first to the last day with any order, session, ad
-- spend or inventory snapshot, or to the customer-value as-of date when that is later (var
-- customer_value_as_of_date). Weeks start on Monday (ISO).

with

orders as (
    select * from {{ ref('stg_shop__orders') }}
),

sessions as (
    select * from {{ ref('stg_shop__sessions') }}
),

ad_spend as (
    select * from {{ ref('stg_shop__ad_spend') }}
),

inventory_snapshots as (
    select * from {{ ref('stg_shop__inventory_snapshots') }}
),

as_of as (
    select * from {{ ref('int_customer_value_as_of') }}
),

data_days as (
    select cast(orders.ordered_at as date) as data_date from orders
    union all
    select cast(sessions.started_at as date) as data_date from sessions
    union all
    select ad_spend.spend_date as data_date from ad_spend
    union all
    select inventory_snapshots.snapshot_date as data_date from inventory_snapshots
    union all
    select as_of.as_of_date as data_date from as_of
),

bounds as (
    select
        min(data_days.data_date) as first_date,
        max(data_days.data_date) as last_date
    from data_days
),

spine as (
    {{ date_spine(
        "(select bounds.first_date from bounds)",
        "(select bounds.last_date from bounds)"
    ) }}
),

final as (
    select
        spine.date_day,
        cast(extract(year from spine.date_day) as integer) as year_number,
        cast(extract(quarter from spine.date_day) as integer) as quarter_number,
        cast(extract(month from spine.date_day) as integer) as month_number,
        cast(extract(day from spine.date_day) as integer) as day_of_month,
        cast({{ dbt.date_trunc('month', 'spine.date_day') }} as date) as month_start_date,
        cast({{ dbt.date_trunc('week', 'spine.date_day') }} as date) as week_start_date,
        {{ iso_day_of_week("spine.date_day") }} as day_of_week,
        case {{ iso_day_of_week("spine.date_day") }}
            when 1 then 'Monday'
            when 2 then 'Tuesday'
            when 3 then 'Wednesday'
            when 4 then 'Thursday'
            when 5 then 'Friday'
            when 6 then 'Saturday'
            else 'Sunday'
        end as day_name_en,
        case {{ iso_day_of_week("spine.date_day") }}
            when 1 then '星期一'
            when 2 then '星期二'
            when 3 then '星期三'
            when 4 then '星期四'
            when 5 then '星期五'
            when 6 then '星期六'
            else '星期日'
        end as day_name_zh,
        {{ iso_day_of_week("spine.date_day") }} >= 6 as is_weekend
    from spine
)

select * from final
