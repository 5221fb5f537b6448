-- Every month x channel of the monthly channel marts has exactly one row flagged
-- is_default_attribution_model (the row one-number pages read). Zero would hide the channel
-- from a filtered page; two would double it.

with

channel_months as (
    select * from {{ ref('agg_channel_months') }}
),

channel_ltv_cac as (
    select * from {{ ref('agg_channel_ltv_cac') }}
),

default_rows as (
    select
        'agg_channel_months' as model_name,
        channel_months.month_start_date,
        channel_months.channel,
        sum(case when channel_months.is_default_attribution_model then 1 else 0 end)
            as default_rows
    from channel_months
    group by channel_months.month_start_date, channel_months.channel
    union all
    select
        'agg_channel_ltv_cac' as model_name,
        channel_ltv_cac.month_start_date,
        channel_ltv_cac.channel,
        sum(case when channel_ltv_cac.is_default_attribution_model then 1 else 0 end)
            as default_rows
    from channel_ltv_cac
    group by channel_ltv_cac.month_start_date, channel_ltv_cac.channel
)

select
    default_rows.model_name,
    default_rows.month_start_date,
    default_rows.channel,
    default_rows.default_rows
from default_rows
where default_rows.default_rows <> 1
