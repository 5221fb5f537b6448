-- One row per session of a person: fct_sessions without the sessions the tracker flagged as
-- bots or that the bot-by-timing rule caught. Every KPI counted on visits (UV, activity,
-- touches, registrations, AARRR) reads this model, so "human" is decided in one place.

with

sessions as (
    select * from {{ ref('fct_sessions') }}
),

final as (
    select sessions.*
    from sessions
    where not sessions.is_bot
)

-- fct_sessions' columns, whatever they are: this model only takes rows away.
select * from final  -- noqa: AM04
