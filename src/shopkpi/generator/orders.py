"""Orders and what follows them: baskets, prices, coupons, shipping, delivery, refunds, reviews.

A buyer's basket follows their taste: Gen-Z pick beauty, apparel and snacks more and are put
off by price more than others; first-tier cities less. Promotions bring the campaign price and
tiered 满减 coupons. Orders ship after the warehouse works through the day (a backlog after a
big day; nothing moves over the New Year logistics pause) and arrive after a long-tailed
transit. Lines are returned at their category's rate (apparel for size), more by Gen-Z and
after promotions; some delivered orders are reviewed, late or refunded ones worse.
"""

from __future__ import annotations

import numpy as np

from shopkpi.generator import behaviour as b
from shopkpi.generator.operations import Inventory, Product
from shopkpi.generator.people import Person
from shopkpi.generator.rows import SECONDS_PER_DAY, Clock, DayRows, Draws, Ids, cumulative
from shopkpi.generator.timeline import Calendar

# (product index, quantity, unit price cents, line discount cents)
Line = tuple[int, int, int, int]


class OrderDesk:
    """Picks baskets and writes orders with their fulfilment, refunds and reviews."""

    def __init__(
        self,
        products: list[Product],
        inventory: Inventory,
        calendar: Calendar,
        clock: Clock,
        ids: Ids,
        rng: np.random.Generator,
        id_width: int,
    ) -> None:
        self.products = products
        self.inventory = inventory
        self.calendar = calendar
        self.clock = clock
        self.ids = ids
        self.rng = rng
        self.draws = Draws(rng)
        self.width = id_width
        self._taste: dict[tuple[bool, int], list[float]] = {}
        self._lines = cumulative(b.LINE_COUNT_WEIGHTS)
        self._quantities = cumulative(b.QUANTITY_WEIGHTS)
        self._ratings = cumulative(b.RATING_WEIGHTS)
        self._unhappy_ratings = cumulative(b.UNHAPPY_RATING_WEIGHTS)

    # ------------------------------------------------------------------ baskets
    def taste(self, person: Person) -> list[float]:
        """Cumulative product choice of a kind of buyer (Gen-Z or not, city tier)."""
        key = (person.gen_z, person.city_tier)
        if key not in self._taste:
            sensitivity = b.PRICE_SENSITIVITY[person.gen_z]
            sensitivity += b.CITY_TIER_PRICE_SENSITIVITY[person.city_tier]
            weights = [
                p.popularity
                * (p.price_cents / b.REFERENCE_PRICE_CENTS) ** -sensitivity
                * (p.category.gen_z_affinity if person.gen_z else 1.0)
                for p in self.products
            ]
            self._taste[key] = cumulative(weights)
        return self._taste[key]

    def choose_product(self, person: Person, day: int) -> int:
        """A product the person looks at (launched by ``day``)."""
        taste = self.taste(person)
        for _ in range(4):
            index = self.draws.index(taste)
            if self.products[index].launch_day <= day:
                return index
        return index if self.products[index].launch_day <= day else 0

    def basket(self, person: Person, day: int, first: int) -> tuple[list[Line], list[int]]:
        """The lines a buyer wants, starting with ``first``: (lines in stock, products out)."""
        d = self.draws
        wanted = [first]
        for _ in range(d.index(self._lines)):
            index = self.choose_product(person, day)
            if index not in wanted:
                wanted.append(index)
        campaign_price = self.calendar.stage(day) in ("first", "burst", "big")
        lines, out = [], []
        for index in sorted(wanted):
            quantity = d.index(self._quantities) + 1
            if not self.inventory.available(index, day):
                out.append(index)
                continue
            quantity = self.inventory.take(index, quantity)
            price = self.products[index].price_cents
            if campaign_price:
                price = int(price * b.CAMPAIGN_PRICE) // 10 * 10
            discount = 0
            if d.u() < b.LINE_DISCOUNT_SHARE:
                discount = int(price * quantity * b.LINE_DISCOUNT)
            lines.append((index, quantity, price, discount))
        return lines, out

    def _coupon(self, day: int, amount: int, first: bool) -> tuple[str | None, int]:
        d = self.draws
        code, minimum, value, share = b.NEW_CUSTOMER_COUPON
        if first and amount >= minimum and d.u() < share:
            return code, value
        in_promotion = self.calendar.stage(day) not in (None, "slump")
        if d.u() < b.TIERED_COUPON_SHARE[in_promotion]:
            for code, minimum, value in b.TIERED_COUPONS:
                if amount >= minimum:
                    return code, value
        return None, 0

    # ------------------------------------------------------------------ orders
    def unpaid_order(
        self,
        rows: DayRows,
        at: int,
        customer_id: str,
        session_id: str | None,
        platform: str,
        index: int,
    ) -> None:
        """An order created at a checkout that was never paid (cancelled by the end)."""
        order_id = self.ids.next("O", self.width)
        product = self.products[index]
        rows.add("order_items", (order_id, 1, product.product_id, 1, product.price_cents, 0))
        status = "created" if at >= self.clock.end - SECONDS_PER_DAY else "cancelled"
        shipping = 0 if product.price_cents >= b.FREE_SHIPPING_FROM else b.SHIPPING_FEES[1]
        row = (order_id, customer_id, session_id, self.clock.text(at), None, status, platform,
               None, 0, shipping, None, None)  # fmt: skip
        rows.add("orders", row)

    def paid_order(
        self,
        rows: DayRows,
        person: Person,
        session_id: str | None,
        platform: str,
        ordered_at: int,
        paid_at: int,
        lines: list[Line],
        first: bool,
    ) -> str:
        """Write a paid order with its lines, and its delivery, refunds and review."""
        d = self.draws
        day = paid_at // SECONDS_PER_DAY
        order_id = self.ids.next("O", self.width)
        amount = sum(q * p - disc for _, q, p, disc in lines)
        coupon, discount = self._coupon(day, amount, first)
        discount = min(discount, amount)
        paid_amount = amount - discount
        shipping = 0 if paid_amount >= b.FREE_SHIPPING_FROM else b.SHIPPING_FEES[int(d.u() * 3)]
        shipped, delivered = self._fulfilment(person, paid_at)
        status, shipped_at, delivered_at = "paid", None, None
        if shipped < self.clock.end:
            status, shipped_at = "shipped", self.clock.text(shipped)
        if delivered < self.clock.end:
            status, delivered_at = "delivered", self.clock.text(delivered)
        for number, (index, quantity, price, line_discount) in enumerate(lines, start=1):
            row = (order_id, number, self.products[index].product_id, quantity, price,
                   line_discount)  # fmt: skip
            rows.add("order_items", row)
        if delivered_at is not None:
            promotion = self.calendar.stage(day) not in (None, "slump")
            refunded = self._refunds(rows, person, order_id, lines, amount, discount, delivered,
                                     promotion)  # fmt: skip
            if refunded == len(lines):
                status = "refunded"
            self._review(rows, order_id, lines, delivered, delivered - paid_at, refunded > 0)
        rows.add(
            "orders",
            (order_id, person.customer_id, session_id, self.clock.text(ordered_at),
             self.clock.text(paid_at), status, platform, coupon, discount, shipping, shipped_at,
             delivered_at),
        )  # fmt: skip
        return order_id

    def _fulfilment(self, person: Person, paid_at: int) -> tuple[int, int]:
        """Seconds at which the order ships and is delivered."""
        d = self.draws
        day = paid_at // SECONDS_PER_DAY
        ship_days = d.between(*b.SHIP_DAYS)
        if self.calendar.stage(day) in ("big", "first"):
            ship_days += d.between(*b.BIG_DAY_BACKLOG_DAYS)
        shipped = paid_at + int(ship_days * SECONDS_PER_DAY)
        resume = self.calendar.logistics_paused_until(self.clock.date(shipped // SECONDS_PER_DAY))
        if resume is not None:
            resume_at = (resume - self.clock.start).days * SECONDS_PER_DAY
            shipped = resume_at + int(d.between(*b.AFTER_PAUSE_SHIP_DAYS) * SECONDS_PER_DAY)
        transit = b.TRANSIT_MEDIAN_DAYS * b.CITY_TIER_TRANSIT[person.city_tier]
        transit *= float(np.exp(b.TRANSIT_SIGMA * self.rng.standard_normal()))
        if d.u() < b.HELD_UP_SHARE:
            transit += d.between(*b.HELD_UP_DAYS)
        return shipped, shipped + int(transit * SECONDS_PER_DAY)

    def _refunds(
        self,
        rows: DayRows,
        person: Person,
        order_id: str,
        lines: list[Line],
        amount: int,
        discount: int,
        delivered: int,
        promotion: bool,
    ) -> int:
        """Refund returned lines (the whole order when every line goes back); return how
        many lines were refunded."""
        d = self.draws
        factor = (b.GEN_Z_REFUND if person.gen_z else 1.0) * (
            b.PROMOTION_REFUND if promotion else 1.0
        )
        returned = [
            line for line in lines if d.u() < self.products[line[0]].category.refund_rate * factor
        ]
        if not returned:
            return 0
        refunded_at = delivered + int(d.between(*b.REFUND_DAYS) * SECONDS_PER_DAY)
        if refunded_at >= self.clock.end:
            return 0
        first_category = self.products[returned[0][0]].category
        names = [r for r, _ in first_category.refund_reasons]
        reason = names[d.index(cumulative([w for _, w in first_category.refund_reasons]))]
        if len(returned) == len(lines):
            refunds = [(None, amount - discount)]
        else:
            refunds = []
            for index, quantity, price, line_discount in returned:
                line_amount = quantity * price - line_discount
                # the line's share of the order discount, rounded up: a refund never exceeds
                # what the line paid however the discount's cents are spread over the lines
                share = -(-discount * line_amount // max(amount, 1))
                refunds.append((self.products[index].product_id, line_amount - share))
        for product_id, refund in refunds:
            rows.add(
                "refunds",
                (self.ids.next("R", self.width - 1), order_id, product_id,
                 self.clock.text(refunded_at), refund, reason),
            )  # fmt: skip
        return len(returned)

    def _review(
        self,
        rows: DayRows,
        order_id: str,
        lines: list[Line],
        delivered: int,
        took: int,
        refunded: bool,
    ) -> None:
        d = self.draws
        reviewed_at = delivered + int(d.between(*b.REVIEW_DAYS) * SECONDS_PER_DAY)
        if d.u() >= b.REVIEW_SHARE or reviewed_at >= self.clock.end:
            return
        unhappy = refunded or took > b.LATE_DELIVERY_DAYS * SECONDS_PER_DAY
        rating = d.index(self._unhappy_ratings if unhappy else self._ratings) + 1
        index = lines[int(d.u() * len(lines))][0]
        rows.add(
            "reviews",
            (self.ids.next("RV", self.width - 1), order_id, self.products[index].product_id,
             rating, self.clock.text(reviewed_at)),
        )  # fmt: skip
