-- The shopping funnel by week (Monday start) x channel x device x campaign x new or
-- returning visitor: human sessions reaching each step (landing, product view, add to cart,
-- checkout, payment), bot sessions left out, as in marts.agg_funnel_days, with the names of
-- channel, device, campaign and visitor type in both languages. A session is a new
-- visitor's when it is the visitor's first human session (marts.dim_visitors.first_visit_at),
-- a returning visitor's otherwise. Weeks, not days: the day grain with the visitor type
-- would be about 38k rows. Counts are additive: a page pools rates as sums of counts.
-- campaign_key is the campaign id, or 'none' for sessions of no campaign.
with

sessions as (
    select
        s.session_date,
        s.channel,
        s.device,
        s.campaign_id,
        case when s.started_at = v.first_visit_at then 'new' else 'returning' end as visitor_type,
        s.reached_product_view,
        s.reached_add_to_cart,
        s.reached_checkout,
        s.reached_payment
    from marts.fct_sessions as s
    inner join marts.dim_visitors as v
        on s.visitor_id = v.visitor_id
    where not s.is_bot
),

weekly as (
    select
        d.week_start_date,
        s.channel,
        s.device,
        s.campaign_id,
        s.visitor_type,
        count(*) as sessions,
        count(*) filter (where s.reached_product_view) as product_view_sessions,
        count(*) filter (where s.reached_add_to_cart) as add_to_cart_sessions,
        count(*) filter (where s.reached_checkout) as checkout_sessions,
        count(*) filter (where s.reached_payment) as payment_sessions
    from sessions as s
    inner join marts.dim_dates as d
        on s.session_date = d.date_day
    group by all
)

select
    w.week_start_date,
    cast(w.week_start_date + interval 6 day as date) as week_end_date,
    w.channel,
    c.channel_name_en,
    c.channel_name_zh,
    w.device,
    dv.name_en as device_name_en,
    dv.name_zh as device_name_zh,
    dv.display_order as device_order,
    w.campaign_id,
    coalesce(w.campaign_id, 'none') as campaign_key,
    k.campaign_name,
    w.visitor_type,
    vt.name_en as visitor_type_name_en,
    vt.name_zh as visitor_type_name_zh,
    vt.display_order as visitor_type_order,
    w.sessions,
    w.product_view_sessions,
    w.add_to_cart_sessions,
    w.checkout_sessions,
    w.payment_sessions
from weekly as w
left join reference.channels as c
    on w.channel = c.channel
left join reference.code_labels as dv
    on dv.label_kind = 'device' and w.device = dv.code
left join marts.dim_campaigns as k
    on w.campaign_id = k.campaign_id
left join reference.code_labels as vt
    on vt.label_kind = 'visitor_type' and w.visitor_type = vt.code
order by w.week_start_date, w.channel, w.device, campaign_key, w.visitor_type
