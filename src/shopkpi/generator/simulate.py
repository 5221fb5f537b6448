"""The simulated shop, day by day: who visits, when they come back, what each day writes.

Each day new visitors arrive through the day's channel mix (campaigns lift their channels),
and people due back today return. Everyone's day is played in time order: a visit (see
``journeys``), a purchase on Tmall / JD, or the balance of a pre-sale deposit. How a visit
ends decides when the person comes back:

* a visitor who has not bought comes back with a chance that grows with how far they got
  (bounce < browse < cart), through search, direct visits, retargeting or the same channel;
* a warm-up shopper who carted or paid a deposit comes back on the big day;
* a buyer may join the private domain and get a welcome message, may lapse for good, and
  otherwise shops again after a wait drawn from their own loyalty; waits are counted in
  demand-days, so people come back more often when the shop is busy.

At the end of the day the ad platforms bill the day's clicks and the buyers reorder stock.
Budgets are planned at the start of each month and campaign.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import replace

import numpy as np

from shopkpi.generator import behaviour as b
from shopkpi.generator import catalog
from shopkpi.generator.catalog import Scale
from shopkpi.generator.journeys import BALANCE, BIG_DAY, BROWSE, Journeys, Outcome
from shopkpi.generator.marketing import Marketing
from shopkpi.generator.operations import Inventory, make_products
from shopkpi.generator.orders import OrderDesk
from shopkpi.generator.people import People, Person
from shopkpi.generator.rows import (
    SECONDS_PER_DAY,
    Clock,
    DayRows,
    Draws,
    Ids,
    cumulative,
    weighted_names,
)
from shopkpi.generator.stories import Stories
from shopkpi.generator.timeline import Calendar

# Visits on the last simulated day start early enough to finish within it.
LAST_DAY_START_LIMIT = SECONDS_PER_DAY - 1_800
CHANNEL_CODES = tuple(catalog.CHANNELS)


def id_blocks(scale: Scale, count: int) -> dict[str, int]:
    """Each shard's block of every id prefix's range (the ids keep the contract's widths)."""
    widths = {
        "C": scale.id_width,
        "O": scale.id_width,
        "R": scale.id_width - 1,
        "RV": scale.id_width - 1,
        "A": scale.id_width + 1,
        "S": scale.session_id_width,
        "E": scale.event_id_width,
        "B": 9,
    }
    return {prefix: 10**width // count for prefix, width in widths.items()}


class ShopSimulation:
    """Generates the contract tables of one simulated shop for a scale and a seed."""

    def __init__(
        self,
        scale: Scale,
        seed: int,
        stories: Stories | None = None,
        shard: tuple[int, int] | None = None,
    ) -> None:
        shop_seeds = np.random.SeedSequence(seed).spawn(8)
        rngs = [np.random.default_rng(s) for s in shop_seeds]
        ids = Ids()
        if shard is not None:
            # One of ``count`` independent slices of the shop's visitors: the same catalogue
            # (the shop's catalogue draws), its own draws for everything else (seeds spawned
            # from the shop's seed), a 1/count share of the new visitors, stock and budgets,
            # and its own block of every id range.
            index, count = shard
            shard_seeds = np.random.SeedSequence(seed).spawn(8 + count)[8 + index].spawn(8)
            rngs = rngs[:1] + [np.random.default_rng(s) for s in shard_seeds[1:]]
            scale = replace(scale, new_visitors_per_day=scale.new_visitors_per_day / count)
            ids = Ids(id_blocks(scale, count), index)
        self.scale = scale
        self.seed = seed
        rng_catalog, rng_people, rng_visits, rng_orders, rng_stock, rng_spend = rngs[:6]
        self.rng = rngs[6]
        self.draws = Draws(rngs[7])
        self.stories = stories or Stories()
        self.calendar = Calendar(scale)
        self.clock = Clock(scale.start, scale.days)
        self.ids = ids
        self.products = make_products(rng_catalog, scale)
        self.inventory = Inventory(self.products, scale, self.calendar, self.stories, rng_stock)
        self.desk = OrderDesk(self.products, self.inventory, self.calendar, self.clock,
                              self.ids, rng_orders, scale.id_width)  # fmt: skip
        self.marketing = Marketing(scale, self.calendar, self.clock, self.stories, rng_spend)
        self.people = People(rng_people, self.ids, scale.id_width)
        self.journeys = Journeys(scale, self.calendar, self.clock, self.ids, self.people,
                                 self.desk, self.inventory, self.marketing, self.stories,
                                 self.products, rng_visits)  # fmt: skip
        self._due: list[tuple[int, int, int, str, str | None]] = []
        self._sequence = 0
        self._tokens: dict[int, int] = {}
        self._persons: dict[int, Person] = {}
        self._return_mixes = {
            name: weighted_names(getattr(b, f"RETURN_CHANNELS_{name}"))
            for name in ("ANONYMOUS", "PRIVATE", "KNOWN")
        }
        self._marketplaces = weighted_names(catalog.MARKETPLACES)

    # ------------------------------------------------------------------ rows
    def static_rows(self) -> dict[str, list[tuple]]:
        """The product catalogue, known before the first day."""
        products = [
            (p.product_id, p.sku, p.name, p.category.code, p.price_cents, p.cost_cents,
             p.launched_at)
            for p in self.products
        ]  # fmt: skip
        return {"products": products}

    def run(self) -> Iterator[DayRows]:
        """Yield the rows of each day in order, then the campaigns with their budgets."""
        for day in range(self.scale.days):
            rows = DayRows()
            self._simulate_day(rows, day)
            yield rows
        closing = DayRows()
        for row in self.marketing.campaign_rows():
            closing.add("campaigns", row)
        yield closing

    # ------------------------------------------------------------------ scheduling
    def _schedule(self, person: Person, day: int, purpose: str, channel: str | None = None):
        """Book the person's next visit (it replaces any visit booked before)."""
        if day >= self.scale.days:
            self._tokens.pop(person.number, None)
            return
        self._sequence += 1
        self._tokens[person.number] = self._sequence
        heapq.heappush(self._due, (day, self._sequence, person.number, purpose, channel))

    def _due_today(self, day: int) -> list[tuple[int, Person, str, str | None]]:
        due = []
        while self._due and self._due[0][0] == day:
            _, sequence, number, purpose, channel = heapq.heappop(self._due)
            if self._tokens.get(number) == sequence:
                due.append((sequence, self._persons[number], purpose, channel))
        return due

    def _return_channel(self, person: Person) -> str:
        if person.customer_id is None:
            names, cumulative = self._return_mixes["ANONYMOUS"]
        elif person.private:
            names, cumulative = self._return_mixes["PRIVATE"]
        else:
            names, cumulative = self._return_mixes["KNOWN"]
        channel = names[self.draws.index(cumulative)]
        return person.channel if channel == "same" else channel

    def _after(self, person: Person, day: int, outcome: Outcome) -> None:
        """Book what the person does next, given how their day ended."""
        d = self.draws
        if outcome.kind == "deposit" or outcome.kind == "wait":
            promotion = self.calendar.promotion[day][0]
            purpose = BALANCE if outcome.kind == "deposit" else BIG_DAY
            self._schedule(person, promotion.big_day, purpose)
            return
        if outcome.kind == "bought":
            if not person.private:
                join = self.stories.private_join_rate(self.calendar.dates[day], b.PRIVATE_JOIN)
                if d.u() < join:
                    person.private = True
                    if d.u() < b.PRIVATE_WELCOME_VISIT:
                        wait = int(d.between(*b.PRIVATE_WELCOME_DAYS))
                        self._schedule(person, day + wait, BROWSE, "wecom")
                        return
            lapse = person.lapse * (b.PRIVATE_LAPSE if person.private else 1.0)
            lapse *= b.TIER_LAPSE[person.tier]
            if d.u() < lapse:
                self._forget(person)
                return
            self._next_occasion(person, day)
            return
        if person.purchases:
            if d.u() < b.LAPSE_WITHOUT_PURCHASE:
                self._forget(person)
            elif outcome.kind in ("cart", "stockout") and d.u() < b.RETURN_AFTER_CART:
                wait = d.exponential(b.RETURN_WAIT_DAYS)
                self._schedule(person, self.calendar.demand_days_to_day(day, wait), BROWSE)
            else:
                self._next_occasion(person, day)
            return
        chance = {
            "bounce": b.RETURN_AFTER_BOUNCE,
            "browse": b.RETURN_AFTER_BROWSE,
            "cart": b.RETURN_AFTER_CART,
            "stockout": b.RETURN_AFTER_STOCKOUT,
        }[outcome.kind]
        if d.u() < chance:
            wait = d.exponential(b.RETURN_WAIT_DAYS)
            self._schedule(person, self.calendar.demand_days_to_day(day, wait), BROWSE)
        elif person.customer_id is None:
            self._forget(person)
        else:  # a lead: registered, never bought; they may still come back one day
            self._next_occasion(person, day)

    def _next_occasion(self, person: Person, day: int) -> None:
        rate = person.loyalty * (b.PRIVATE_LOYALTY if person.private else 1.0)
        wait = self.draws.exponential(1.0 / max(rate, 1e-6))
        self._schedule(person, self.calendar.demand_days_to_day(day, wait), BROWSE)

    def _forget(self, person: Person) -> None:
        self._tokens.pop(person.number, None)
        self._persons.pop(person.number, None)

    # ------------------------------------------------------------------ one day
    def _acquisition_mix(self, day: int) -> list[float]:
        weights = [
            b.ACQUISITION_WEIGHTS[c] * self.calendar.channel_lift(c, day) for c in CHANNEL_CODES
        ]
        return cumulative(weights)

    def _second(self, day: int, curve) -> int:
        hour = self.draws.index(curve)
        second = hour * 3600 + int(self.draws.u() * 3600)
        if day == self.scale.days - 1:
            second = min(second, LAST_DAY_START_LIMIT)
        return second

    def _simulate_day(self, rows: DayRows, day: int) -> None:
        d = self.draws
        calendar = self.calendar
        self.inventory.start_day(day)
        self.marketing.start_day(rows, day)
        self.journeys.sessions_today = 0
        weekend = calendar.dates[day].weekday() >= 5
        live = calendar.live_stream_on(day) is not None
        base = day * SECONDS_PER_DAY
        plays: list[tuple[int, int, Person, str, str | None]] = []
        for sequence, person, purpose, channel in self._due_today(day):
            if purpose == BALANCE:
                midnight = d.u() < b.BALANCE_AT_MIDNIGHT
                window = b.BALANCE_MIDNIGHT_SECONDS if midnight else b.BALANCE_EVENING_SECONDS
                second = window[0] + int(d.u() * (window[1] - window[0]))
                second = min(second, LAST_DAY_START_LIMIT)
            else:
                channel = channel or self._return_channel(person)
                curve = calendar.hour_curve(day, live and channel == "kol_live")
                second = self._second(day, curve)
            plays.append((second, sequence, person, purpose, channel))
        mix = self._acquisition_mix(day)
        arrivals = int(self.rng.poisson(self.scale.new_visitors_per_day * calendar.demand[day]))
        # a live stream's night brings its own crowd through kol_live on top of the day's mix
        viewers = (
            int(self.rng.poisson(self.scale.new_visitors_per_day * b.LIVE_STREAM_VIEWERS))
            if live
            else 0
        )
        for n in range(arrivals + viewers):
            channel = CHANNEL_CODES[d.index(mix)] if n < arrivals else "kol_live"
            person = self.people.arrive(channel, weekend)
            self._persons[person.number] = person
            curve = calendar.hour_curve(day, live and channel == "kol_live")
            plays.append((self._second(day, curve), -1 - n, person, BROWSE, channel))
        plays.sort(key=lambda play: (play[0], play[1]))
        for second, _, person, purpose, channel in plays:
            at = base + second
            if purpose == BALANCE:
                self.journeys.pay_balance(rows, person, day, at)
                self._after(person, day, Outcome("bought"))
            elif person.purchases and purpose == BROWSE and d.u() < person.marketplace_share:
                names, cumulative = self._marketplaces
                platform = names[d.index(cumulative)]
                bought = d.u() < b.MARKETPLACE_BUY and self.journeys.marketplace_order(
                    rows, person, day, at, platform
                )
                self._after(person, day, Outcome("bought" if bought else "browse"))
            else:
                outcome = self.journeys.visit(rows, person, day, at, channel, purpose)
                self._after(person, day, outcome)
        humans = self.journeys.sessions_today
        bots = int(self.rng.poisson(humans * b.BOT_SHARE / (1 - b.BOT_SHARE)))
        seconds = sorted(self._second(day, calendar.hour_cumulative) for _ in range(bots))
        self.journeys.bots(rows, day, [base + s for s in seconds])
        self.marketing.end_day(rows, day)
        self.inventory.end_day(rows, day)
