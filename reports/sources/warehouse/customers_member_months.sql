-- Member tiers by month (agg_member_gmv_months): paid orders, buyers, GMV and its share of
-- the month's GMV, registered and active customers and the activity rate, with tier names
-- from the member_tiers seed (non-members included as tier 'none'). One row per month and tier.
select
    m.month_start_date,
    m.is_complete_month,
    m.member_tier,
    t.member_tier_name_en,
    t.member_tier_name_zh,
    t.is_member,
    t.tier_rank,
    m.paid_orders,
    m.buying_customers,
    m.gmv_cny,
    m.month_gmv_cny,
    m.gmv_share,
    m.registered_customers,
    m.active_customers,
    m.activity_rate
from marts.agg_member_gmv_months as m
inner join reference.member_tiers as t
    on m.member_tier = t.member_tier
order by m.month_start_date, t.tier_rank desc
