"""Visits: what a person does in a session, and the events and orders it leaves.

A visit lands on a page that loads in some time. Whether the visitor stays depends on the
channel that brought them (feeds bounce more than searches), whether they have been before,
and the page's speed. A visitor who stays looks at products; whether they buy depends on
their need, the channel's intent, their device, how many times they have looked before,
the promotion's stage, a live stream's pull and a slow page. Wanting a product that is out
of stock loses the sale. In a promotion's warm-up most buyers wait for the big day (with a
cart) or pay a pre-sale deposit. A checkout can fail at payment and leave an unpaid order.
Bots click paid ads and fire page views within a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shopkpi.generator import behaviour as b
from shopkpi.generator import catalog
from shopkpi.generator.catalog import CHANNELS
from shopkpi.generator.marketing import Marketing
from shopkpi.generator.operations import Inventory, Product
from shopkpi.generator.orders import Line, OrderDesk
from shopkpi.generator.people import People, Person
from shopkpi.generator.rows import Clock, DayRows, Draws, Ids
from shopkpi.generator.stories import Stories
from shopkpi.generator.timeline import PRESALE_SHARE, Calendar

# What a visit came to: to look around, to come back for the big day, to pay a balance.
BROWSE, BIG_DAY, BALANCE = "browse", "big_day", "balance"


@dataclass
class Outcome:
    """How a visit ended, for the scheduling of the person's next one."""

    kind: str  # bounce, browse, cart, stockout, bought, deposit, wait
    lines: list[Line] | None = None


class Session:
    """A visit being recorded: its events are written with the session when it ends."""

    __slots__ = ("session_id", "day", "at", "channel", "campaign_id", "customer_id",
                 "visitor_id", "device", "landing", "load_ms", "is_bot", "events")  # fmt: skip

    def __init__(self, **values) -> None:
        for name, value in values.items():
            setattr(self, name, value)
        self.events: list[tuple] = []

    def event(self, at: int, event_type: str, page=None, product_id=None, dwell=None) -> None:
        self.events.append((at, event_type, page, product_id, dwell))


class Journeys:
    """Records visits with their events, orders and ad clicks."""

    def __init__(
        self,
        scale: catalog.Scale,
        calendar: Calendar,
        clock: Clock,
        ids: Ids,
        people: People,
        desk: OrderDesk,
        inventory: Inventory,
        marketing: Marketing,
        stories: Stories,
        products: list[Product],
        rng: np.random.Generator,
    ) -> None:
        self.scale = scale
        self.calendar = calendar
        self.clock = clock
        self.ids = ids
        self.people = people
        self.desk = desk
        self.inventory = inventory
        self.marketing = marketing
        self.stories = stories
        self.products = products
        self.rng = rng
        self.draws = Draws(rng)
        self.campaign_names = {c.campaign_id: c.name for c in calendar.campaigns}
        self.sessions_today = 0

    # ------------------------------------------------------------------ recording
    def _open(
        self,
        day: int,
        at: int,
        channel: str,
        person: Person | None,
        *,
        logged_in: bool,
        campaign_id: str | None,
        device: str,
        landing: str,
        load_ms: int,
        is_bot: bool | None,
    ) -> Session:
        session = Session(
            session_id=self.ids.next("S", self.scale.session_id_width),
            day=day, at=at, channel=channel, campaign_id=campaign_id,
            customer_id=person.customer_id if person and logged_in else None,
            visitor_id=person.visitor_id if person else f"B{self.ids.next_number('B'):09d}",
            device=device, landing=landing, load_ms=load_ms, is_bot=is_bot,
        )  # fmt: skip
        self.marketing.paid_visit(channel, campaign_id)
        if CHANNELS[channel].is_paid:
            session.event(at, "impression")
            session.event(at + _gap(self.draws, b.CLICK_SECONDS), "click")
        self.sessions_today += 1
        return session

    def _close(self, rows: DayRows, session: Session) -> None:
        info = CHANNELS[session.channel]
        rows.add(
            "sessions",
            (session.session_id, session.visitor_id, session.customer_id,
             self.clock.text(session.at), session.channel, info.source, info.medium,
             session.campaign_id, session.device, session.landing, session.load_ms,
             session.is_bot),
        )  # fmt: skip
        for at, event_type, page, product_id, dwell in session.events:
            rows.add(
                "events",
                (self.ids.next("E", self.scale.event_id_width), session.session_id,
                 self.clock.text(at), event_type, page, product_id, dwell),
            )  # fmt: skip

    def _dwell(self, page: str, channel: str) -> int:
        mean = b.HOMEPAGE_DWELL_MS if page == "/" else b.PAGE_DWELL_MS
        return int(self.rng.gamma(2.0, mean / 2.0) * CHANNELS[channel].dwell)

    def _landing(self, person: Person, day: int, campaign_id: str | None) -> tuple[str, int]:
        """The landing page and the product the visitor has in mind."""
        d = self.draws
        product = person.waiting_for
        if product is None:
            product = self.desk.choose_product(person, day)
        if person.waiting_for is not None and d.u() < b.WAITING_PRODUCT_LANDING:
            return f"/p/{self.products[product].product_id}", product
        if campaign_id and d.u() < b.CAMPAIGN_LANDING:
            return f"/campaign/{campaign_id}", product
        u = d.u()
        if u < b.HOME_LANDING:
            return "/", product
        if u < b.HOME_LANDING + b.PRODUCT_LANDING:
            return f"/p/{self.products[product].product_id}", product
        return f"/c/{self.products[product].category.code}", product

    # ------------------------------------------------------------------ a visit
    def visit(
        self, rows: DayRows, person: Person, day: int, at: int, channel: str, purpose: str = BROWSE
    ) -> Outcome:
        """Simulate one human visit of ``person``; return how it ended."""
        d = self.draws
        date = self.calendar.dates[day]
        stage = self.calendar.stage(day)
        registered = person.customer_id is not None
        campaign = self.calendar.campaign_for(channel, day)
        campaign_id = campaign.campaign_id if campaign and d.u() < b.CAMPAIGN_TAGGED else None
        landing, product = self._landing(person, day, campaign_id)
        load = b.LOAD_MEDIAN_MS * b.DEVICE_LOAD[person.device]
        load *= float(np.exp(b.LOAD_SIGMA * self.rng.standard_normal()))
        load_ms = int(load * self.stories.load_factor(landing, date))
        session = self._open(
            day, at, channel, person, logged_in=registered and d.u() < b.LOGGED_IN,
            campaign_id=campaign_id, device=person.device, landing=landing, load_ms=load_ms,
            is_bot=None if d.u() < b.BOT_FLAG_MISSING else False,
        )  # fmt: skip
        person.visits += 1
        t = session.events[-1][0] + 1 if session.events else at
        session.event(t, "page_view", landing, None, self._dwell(landing, channel))
        # Does the visitor stay?
        bounce = CHANNELS[channel].bounce
        if person.visits > 1:
            bounce *= b.RETURNING_BOUNCE
        if purpose == BIG_DAY or person.waiting_for is not None:
            bounce *= b.WAITING_BOUNCE
        if load_ms > b.SLOW_MS:
            bounce += b.SLOW_BOUNCE
        if load_ms > b.VERY_SLOW_MS:
            bounce += b.VERY_SLOW_BOUNCE
        if d.u() < bounce:
            self._close(rows, session)
            return Outcome("bounce")
        # Products looked at.
        t += _gap(d, b.VIEW_SECONDS)
        viewed = [product]
        if d.u() < b.SECOND_PRODUCT_VIEW:
            viewed.append(self.desk.choose_product(person, day))
        for index in viewed:
            page = f"/p/{self.products[index].product_id}"
            session.event(t, "product_view", page, self.products[index].product_id,
                          self._dwell(page, channel))  # fmt: skip
            t += _gap(d, b.VIEW_SECONDS)
        # Does the visitor want to buy?
        if purpose == BIG_DAY:
            want = b.BIG_DAY_WANT
        else:
            need = b.RETURNING_BUYER_NEED if person.purchases else person.need
            prior = min(person.visits - 1, b.CONSIDERATION_VISITS)
            want = need * (1.0 + b.CONSIDERATION_STEP * prior)
            want *= CHANNELS[channel].intent * b.DEVICE_INTENT[person.device]
            want *= b.STAGE_INTENT[stage]
            if date.weekday() >= 5:
                want *= b.WEEKEND_VISIT_INTENT
            want *= self.stories.intent_factor(channel, campaign_id, date, self.campaign_names)
            if self.calendar.live_stream_on(day) and channel == "kol_live":
                want *= b.LIVE_STREAM_INTENT
            if load_ms > b.SLOW_MS:
                want *= b.SLOW_INTENT
        if d.u() >= min(want, b.MAX_WANT):
            return self._browse(rows, person, session, t, viewed[0], stage, day)
        if stage == "warmup" and purpose == BROWSE:
            promotion = self.calendar.promotion[day][0]
            u = d.u()
            if u < PRESALE_SHARE[promotion.label]:
                return self._deposit(rows, person, session, t, day, viewed[0])
            if u < PRESALE_SHARE[promotion.label] + (1 - PRESALE_SHARE[promotion.label]) * (
                b.WARMUP_WAIT_FOR_BIG_DAY
            ):
                page = f"/p/{self.products[viewed[0]].product_id}"
                session.event(t, "add_to_cart", page, self.products[viewed[0]].product_id)
                person.waiting_for = viewed[0]
                self._close(rows, session)
                return Outcome("wait")
        return self._buy(rows, person, session, t, day, viewed[0])

    def _browse(self, rows, person, session, t, product, stage, day) -> Outcome:
        """An engaged visit that does not buy: maybe a cart, a checkout, a lead."""
        d = self.draws
        kind = "browse"
        cart = b.CART_WITHOUT_BUYING * (b.WARMUP_CART if stage == "warmup" else 1.0)
        if d.u() < cart:
            page = f"/p/{self.products[product].product_id}"
            session.event(t, "add_to_cart", page, self.products[product].product_id)
            kind = "cart"
            if d.u() < b.CHECKOUT_WITHOUT_BUYING:
                t += _gap(d, b.CHECKOUT_SECONDS)
                session.event(t, "checkout", "/checkout")
                if session.customer_id is not None:
                    self.desk.unpaid_order(rows, t, session.customer_id, session.session_id,
                                           CHANNELS[session.channel].platform, product)  # fmt: skip
        if person.customer_id is None and d.u() < b.LEAD_REGISTRATION:
            session.customer_id = self.people.register(rows, person, self.clock.text(t))
        self._close(rows, session)
        return Outcome(kind)

    def _checkout(self, rows, person, session, t, day, lines) -> tuple[int, bool]:
        """Cart, checkout and payment events; register at checkout. Returns (time, paid)."""
        d = self.draws
        for index, *_ in lines:
            page = f"/p/{self.products[index].product_id}"
            session.event(t, "add_to_cart", page, self.products[index].product_id)
            t += _gap(d, b.CART_SECONDS)
        t += _gap(d, b.CHECKOUT_SECONDS)
        if person.customer_id is None:
            registered_at = self.clock.text(t - _gap(d, b.REGISTER_BEFORE_CHECKOUT_SECONDS))
            self.people.register(rows, person, registered_at)
        session.customer_id = person.customer_id
        session.event(t, "checkout", "/checkout")
        return t, d.u() >= b.PAYMENT_FAILURE[person.device]

    def _buy(self, rows, person, session, t, day, product) -> Outcome:
        d = self.draws
        lines, out = self.desk.basket(person, day, product)
        if not lines:  # everything wanted is sold out: a lost sale
            person.waiting_for = out[0]
            self._close(rows, session)
            return Outcome("stockout")
        ordered, paid = self._checkout(rows, person, session, t, day, lines)
        platform = CHANNELS[session.channel].platform
        if not paid:
            for index, quantity, *_ in lines:  # the stock goes back on the shelf
                self.inventory.on_hand[index] += quantity
                self.inventory.sold_today[index] -= quantity
            self.desk.unpaid_order(rows, ordered, person.customer_id, session.session_id,
                                   platform, lines[0][0])  # fmt: skip
            self._close(rows, session)
            return Outcome("cart")
        paid_at = ordered + _gap(d, b.PAY_SECONDS)
        session.event(paid_at, "payment", "/pay")
        first = person.purchases == 0
        self.desk.paid_order(rows, person, session.session_id, platform, ordered, paid_at,
                             lines, first)  # fmt: skip
        person.purchases += 1
        person.waiting_for = None
        self._close(rows, session)
        return Outcome("bought", lines)

    def _deposit(self, rows, person, session, t, day, product) -> Outcome:
        """A pre-sale deposit: the order is placed now, its balance is paid on the big day."""
        lines, out = self.desk.basket(person, day, product)
        if not lines:
            person.waiting_for = out[0]
            self._close(rows, session)
            return Outcome("stockout")
        ordered, _ = self._checkout(rows, person, session, t, day, lines)
        person.deposit = (session.session_id, CHANNELS[session.channel].platform, ordered, lines)
        self._close(rows, session)
        return Outcome("deposit", lines)

    def pay_balance(self, rows: DayRows, person: Person, day: int, at: int) -> None:
        """The balance of a pre-sale order, paid in a short visit on the big day."""
        d = self.draws
        session_id, platform, ordered, lines = person.deposit
        session = self._open(
            day, at, "mini_program" if platform == catalog.WX else "direct", person,
            logged_in=True, campaign_id=None, device=person.device, landing="/orders",
            load_ms=int(b.LOAD_MEDIAN_MS * b.DEVICE_LOAD[person.device]), is_bot=False,
        )  # fmt: skip
        session.event(at, "page_view", "/orders", None, _gap(d, b.BALANCE_PAGE_DWELL_MS))
        session.event(at + _gap(d, b.BALANCE_CHECKOUT_SECONDS), "checkout", "/checkout")
        paid_at = at + _gap(d, b.BALANCE_PAY_SECONDS)
        session.event(paid_at, "payment", "/pay")
        self.desk.paid_order(rows, person, session_id, platform, ordered, paid_at, lines,
                             person.purchases == 0)  # fmt: skip
        person.purchases += 1
        person.deposit = None
        self._close(rows, session)

    def marketplace_order(
        self, rows: DayRows, person: Person, day: int, at: int, platform: str
    ) -> bool:
        """A purchase on Tmall / JD (no tracked visit); False when the product is sold out."""
        product = self.desk.choose_product(person, day)
        lines, _ = self.desk.basket(person, day, product)
        if not lines:
            return False
        paid_at = at + _gap(self.draws, b.MARKETPLACE_PAY_SECONDS)
        self.desk.paid_order(rows, person, None, platform, at, paid_at, lines,
                             person.purchases == 0)  # fmt: skip
        person.purchases += 1
        return True

    # ------------------------------------------------------------------ bots
    def bots(self, rows: DayRows, day: int, seconds: list[int]) -> None:
        """Click-fraud visits on paid ads: many page views within a second, no dwell."""
        d = self.draws
        paid = catalog.PAID_CHANNELS
        for at in seconds:
            channel = paid[int(d.u() * len(paid))]
            campaign = self.calendar.campaign_for(channel, day)
            campaign_id = campaign.campaign_id if campaign and d.u() < b.CAMPAIGN_TAGGED else None
            session = self._open(
                day, at, channel, None, logged_in=False, campaign_id=campaign_id,
                device="android", landing="/", load_ms=_gap(d, b.BOT_LOAD_MS),
                is_bot=True if d.u() < b.BOT_FLAGGED_SHARE else None,
            )  # fmt: skip
            start = session.events[-1][0]
            for step in range(4 + int(d.u() * 2)):
                page = "/" if step == 0 else f"/c/{catalog.CATEGORIES[step].code}"
                session.event(start + step // 3, "page_view", page, None, 0)
            self._close(rows, session)


def _gap(draws: Draws, span: tuple[int, int]) -> int:
    """A whole number drawn uniformly in [low, high): seconds between steps, a dwell."""
    low, high = span
    return low + int(draws.u() * (high - low))
