-- One row per traffic / marketing channel, from the channels seed.

with

channels as (
    select * from {{ ref('channels') }}
),

final as (
    select
        channels.channel,
        channels.channel_name_en,
        channels.channel_name_zh,
        channels.channel_group,
        channels.channel_group_zh,
        channels.is_paid,
        channels.is_organic,
        channels.is_private_domain,
        channels.is_referral
    from channels
)

select * from final
