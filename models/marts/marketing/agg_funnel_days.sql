-- One row per day x channel x device x campaign (null campaign = none): human sessions
-- reaching each funnel step 轉化漏斗 (landing -> product view -> add to cart -> checkout ->
-- payment), bot sessions counted apart, step conversion rates and the step with the biggest
-- drop-off. Reaching a step counts as reaching every earlier one (fct_sessions), so the
-- counts never increase down the funnel. Ad impressions and clicks before the visit are in
-- agg_channel_days.

with

sessions as (
    select * from {{ ref('fct_sessions') }}
),

counted as (
    select
        sessions.session_date as date_day,
        sessions.channel,
        sessions.device,
        sessions.campaign_id,
        sum(case when sessions.is_bot then 0 else 1 end) as sessions,
        sum(case when not sessions.is_bot and sessions.reached_product_view then 1 else 0 end)
            as product_view_sessions,
        sum(case when not sessions.is_bot and sessions.reached_add_to_cart then 1 else 0 end)
            as add_to_cart_sessions,
        sum(case when not sessions.is_bot and sessions.reached_checkout then 1 else 0 end)
            as checkout_sessions,
        sum(case when not sessions.is_bot and sessions.reached_payment then 1 else 0 end)
            as payment_sessions,
        sum(case when sessions.is_bot then 1 else 0 end) as bot_sessions
    from sessions
    group by
        sessions.session_date,
        sessions.channel,
        sessions.device,
        sessions.campaign_id
),

rated as (
    select
        counted.*,
        {{ safe_divide('counted.product_view_sessions', 'counted.sessions') }}
            as landing_to_product_view_rate,
        {{ safe_divide('counted.add_to_cart_sessions', 'counted.product_view_sessions') }}
            as product_view_to_cart_rate,
        {{ safe_divide('counted.checkout_sessions', 'counted.add_to_cart_sessions') }}
            as cart_to_checkout_rate,
        {{ safe_divide('counted.payment_sessions', 'counted.checkout_sessions') }}
            as checkout_to_payment_rate,
        {{ safe_divide('counted.payment_sessions', 'counted.add_to_cart_sessions') }}
            as cart_to_payment_rate,
        {{ safe_divide('counted.payment_sessions', 'counted.sessions') }}
            as session_conversion_rate
    from counted
),

final as (
    select
        {{ surrogate_key([
            'rated.date_day', 'rated.channel', 'rated.device', 'rated.campaign_id'
        ]) }} as funnel_day_id,
        rated.*,
        -- The step whose conversion from the step before is lowest; ties go to the earlier
        -- step. Null when the row has no human session (bots only).
        case
            when rated.sessions = 0 then null
            when
                coalesce(rated.landing_to_product_view_rate, 1) <= least(
                    coalesce(rated.product_view_to_cart_rate, 1),
                    coalesce(rated.cart_to_checkout_rate, 1),
                    coalesce(rated.checkout_to_payment_rate, 1)
                )
                then 'product_view'
            when
                coalesce(rated.product_view_to_cart_rate, 1) <= least(
                    coalesce(rated.cart_to_checkout_rate, 1),
                    coalesce(rated.checkout_to_payment_rate, 1)
                )
                then 'add_to_cart'
            when
                coalesce(rated.cart_to_checkout_rate, 1)
                <= coalesce(rated.checkout_to_payment_rate, 1)
                then 'checkout'
            else 'payment'
        end as biggest_drop_off_step
    from rated
)

select * from final
