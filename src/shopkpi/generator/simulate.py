"""Day-by-day simulation of the shop, emitting contract rows month by month.

How the shop behaves:

* **Buyers** arrive every day (more on weekends and during campaign phases). Each buyer has
  a latent purchase rate and, after every purchase, a chance to drop out for good (the
  BG/NBD story), so most buy once and a long tail keeps coming back.
* A purchase is either placed in a **tracked session** (the buyer's first one through the
  acquisition mix of channels, later ones mostly through the private domain) or on a
  **marketplace** (Tmall / JD) with no session.
* **Sessions** that do not buy are generated per channel so each channel lands near its own
  conversion rate; they bounce more when the landing page loads slowly, and some reach the
  cart or checkout and stop. Logged-in checkouts that stop leave an unpaid order. Bot
  sessions click paid ads and fire many page views within a second.
* **Ad spend** follows the tracked clicks of paid channels (bots' clicks are paid for too),
  at each channel's cost per click, dearer during a campaign's burst.
* **Orders** get coupons (first-order and tiered 滿減, more in campaigns), ship and arrive
  within days, are sometimes refunded (by category) and reviewed.
* **Inventory** is drawn down by sales and restocked with a lead time, so popular products
  occasionally run out, mostly in campaign bursts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from shopkpi.generator import catalog
from shopkpi.generator.catalog import CHANNELS, Scale

SECONDS_PER_DAY = 86_400


@dataclass
class Campaign:
    campaign_id: str
    name: str
    channel: str
    campaign_type: str
    warmup: int  # day index of warm-up start
    burst: int
    tail: int
    end: int  # exclusive
    budget_cents: int
    shop_wide: bool

    def phase(self, day: int) -> str | None:
        if self.warmup <= day < self.burst:
            return "warmup"
        if self.burst <= day < self.tail:
            return "burst"
        if self.tail <= day < self.end:
            return "tail"
        return None


@dataclass
class Product:
    product_id: str
    sku: str
    name: str
    category: catalog.Category
    price_cents: int
    cost_cents: int
    launched_at: str
    popularity: float


@dataclass
class MonthRows:
    """Rows of every table produced for one calendar month."""

    tables: dict[str, list[tuple]] = field(default_factory=dict)

    def add(self, table: str, row: tuple) -> None:
        self.tables.setdefault(table, []).append(row)


_CUMULATIVE: dict[tuple, tuple[list, np.ndarray]] = {}


def _weighted_choice(rng: np.random.Generator, pairs: tuple) -> str:
    """One name from (name, weight) pairs, drawn with a single uniform number."""
    cached = _CUMULATIVE.get(pairs)
    if cached is None:
        weights = np.array([p[1] for p in pairs], dtype=float)
        cached = ([p[0] for p in pairs], np.cumsum(weights / weights.sum()))
        _CUMULATIVE[pairs] = cached
    names, cumulative = cached
    return names[min(int(np.searchsorted(cumulative, rng.random(), side="right")), len(names) - 1)]


def _draw(rng: np.random.Generator, cumulative: np.ndarray, size: int | None = None):
    """Index (or indices) drawn from a cumulative distribution."""
    if size is None:
        return min(
            int(np.searchsorted(cumulative, rng.random(), side="right")), cumulative.size - 1
        )
    return np.minimum(
        np.searchsorted(cumulative, rng.random(size), side="right"), cumulative.size - 1
    )


class ShopSimulation:
    """Generates the contract tables of one simulated shop for a scale and a seed."""

    def __init__(self, scale: Scale, seed: int) -> None:
        self.scale = scale
        self.seed = seed
        streams = np.random.SeedSequence(seed).spawn(8)
        self.rng_catalog, self.rng_buyers, self.rng_orders, self.rng_sessions = (
            np.random.default_rng(s) for s in streams[:4]
        )
        self.rng_people, self.rng_after, self.rng_stock, self.rng_spend = (
            np.random.default_rng(s) for s in streams[4:]
        )
        self.days = scale.days
        self.dates = [scale.start + dt.timedelta(days=d) for d in range(self.days)]
        self.day_text = [d.isoformat() for d in self.dates]
        self.w = scale.id_width
        self.products = self._make_products()
        self.campaigns = self._make_campaigns()
        self.lift = self._daily_lift()
        self._counters: dict[str, int] = {}
        self._hour_cumulative = np.cumsum(
            np.array(catalog.HOUR_WEIGHTS) / sum(catalog.HOUR_WEIGHTS)
        )
        popularity = np.array([p.popularity for p in self.products])
        self._popularity_p = popularity / popularity.sum()
        self._popularity_cumulative = np.cumsum(self._popularity_p)

    # ------------------------------------------------------------------ helpers
    def next_id(self, prefix: str, width: int | None = None) -> str:
        n = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = n
        return f"{prefix}{n:0{width or self.w}d}"

    def ts(self, day: int, second: int) -> str:
        """Shop-time ISO-8601 text for a day index and a second offset from its midnight."""
        day += second // SECONDS_PER_DAY
        second %= SECONDS_PER_DAY
        if 0 <= day < self.days:
            date = self.day_text[day]
        else:
            date = (self.scale.start + dt.timedelta(days=day)).isoformat()
        h, rem = divmod(second, 3600)
        m, s = divmod(rem, 60)
        return f"{date}T{h:02d}:{m:02d}:{s:02d}+08:00"

    def month_of(self, day: int) -> tuple[int, int]:
        date = self.dates[day]
        return date.year, date.month

    # ------------------------------------------------------------------ catalogue
    def _make_products(self) -> list[Product]:
        rng = self.rng_catalog
        products = []
        popularity = rng.zipf(1.6, size=60).clip(1, 30).astype(float)
        launch_base = self.scale.start - dt.timedelta(days=400)
        index = 0
        for category in catalog.CATEGORIES:
            low, high = category.price_range
            for name in category.products:
                # Prices are log-uniform in the category's range, ending in .90.
                price = int(round(np.exp(rng.uniform(np.log(low), np.log(high))))) * 100 - 10
                price = max(price, 990)
                cost = int(price * rng.uniform(*category.cost_ratio))
                launched = launch_base + dt.timedelta(days=int(rng.integers(0, 380)))
                index += 1
                products.append(
                    Product(
                        product_id=f"P{index:04d}",
                        sku=f"SKU-{category.code[:3].upper()}-{index:04d}",
                        name=name,
                        category=category,
                        price_cents=price,
                        cost_cents=cost,
                        launched_at=f"{launched.isoformat()}T10:00:00+08:00",
                        popularity=float(popularity[index - 1]),
                    )
                )
        return products

    def _make_campaigns(self) -> list[Campaign]:
        rng = self.rng_catalog
        campaigns: list[Campaign] = []
        start, end = self.scale.start, self.dates[-1]

        def index(date: dt.date) -> int:
            return (date - start).days

        def add(name, channel, ctype, dates, budget, shop_wide):
            warmup, burst, tail, finish = (index(d) for d in dates)
            if finish <= 0 or warmup >= self.days:
                return
            campaigns.append(
                Campaign(
                    campaign_id=f"K{len(campaigns) + 1:04d}",
                    name=name,
                    channel=channel,
                    campaign_type=ctype,
                    warmup=warmup,
                    burst=burst,
                    tail=tail,
                    end=finish,
                    budget_cents=int(budget * self.scale.new_buyers_per_day / 4.6) * 100,
                    shop_wide=shop_wide,
                )
            )

        short = {
            "douyin_ads": "抖音",
            "xiaohongshu_ads": "小紅書",
            "wechat_ads": "微信",
            "search_ads": "搜索",
        }
        for year in range(start.year, end.year + 1):
            D = dt.date  # noqa: N806
            big = (
                ("618", (D(year, 5, 20), D(year, 6, 1), D(year, 6, 19), D(year, 6, 21))),
                ("雙11", (D(year, 10, 20), D(year, 11, 1), D(year, 11, 12), D(year, 11, 15))),
                ("雙12", (D(year, 12, 1), D(year, 12, 8), D(year, 12, 13), D(year, 12, 16))),
            )
            for label, dates in big:
                for channel, channel_label in short.items():
                    budget = int(rng.uniform(3000, 9000))
                    add(
                        f"{year} {label} {channel_label}", channel, "promotion", dates, budget, True
                    )
            for month, day in ((3, 8), (8, 18), (9, 20)):
                warm = D(year, month, day)
                dates = (
                    warm,
                    warm + dt.timedelta(days=3),
                    warm + dt.timedelta(days=4),
                    warm + dt.timedelta(days=6),
                )
                add(
                    f"{year} KOL直播 {month}月",
                    "kol_live",
                    "live_stream",
                    dates,
                    int(rng.uniform(2000, 5000)),
                    False,
                )
            dates = (D(year, 7, 1), D(year, 7, 8), D(year, 7, 22), D(year, 8, 1))
            add(
                f"{year} 拼團裂變",
                "social_fission",
                "social_fission",
                dates,
                int(rng.uniform(1000, 3000)),
                False,
            )
        return campaigns

    def _daily_lift(self) -> np.ndarray:
        lift = np.ones(self.days)
        for day in range(self.days):
            weekday = self.dates[day].weekday()
            phase_lift = 1.0
            for campaign in self.campaigns:
                phase = campaign.phase(day)
                if phase and campaign.shop_wide:
                    phase_lift = max(phase_lift, catalog.PHASE_LIFT[phase])
            growth = 1.0 + 0.15 * day / max(self.days - 1, 1)
            lift[day] = catalog.WEEKDAY_LIFT[weekday] * phase_lift * growth
        return lift

    def campaign_for(self, channel: str, day: int) -> Campaign | None:
        for campaign in self.campaigns:
            if campaign.channel == channel and campaign.phase(day):
                return campaign
        return None

    # ------------------------------------------------------------------ buyers
    def schedule_purchases(self) -> tuple[np.ndarray, np.ndarray]:
        """Return (buyer index, day) of every purchase, sorted by day then buyer."""
        rng = self.rng_buyers
        arrivals = rng.poisson(self.scale.new_buyers_per_day * self.lift)
        first_day = np.repeat(np.arange(self.days), arrivals)
        n = first_day.size
        rate = rng.gamma(shape=0.75, scale=1 / 90, size=n)  # purchases per (lifted) day
        drop = rng.beta(2.4, 1.9, size=n)  # chance to leave after each purchase
        cumulative = np.concatenate([[0.0], np.cumsum(self.lift)])
        buyers = [np.arange(n)]
        days = [first_day]
        current = first_day.astype(float)
        alive = np.ones(n, dtype=bool)
        while alive.any():
            alive &= rng.random(n) >= drop
            wait = rng.exponential(1.0, size=n) / rate
            target = cumulative[np.minimum(current.astype(int) + 1, self.days)] + wait
            nxt = np.searchsorted(cumulative, target) - 1
            alive &= nxt < self.days
            current = np.where(alive, nxt, current)
            buyers.append(np.nonzero(alive)[0])
            days.append(current[alive].astype(int))
        buyer = np.concatenate(buyers)
        day = np.concatenate(days)
        order = np.lexsort((buyer, day))
        self.buyer_first_day = first_day
        return buyer[order], day[order]

    # ------------------------------------------------------------------ people
    def person(self, customer_id: str, registered_at: str) -> tuple:
        rng = self.rng_people
        birth_year = int(
            rng.choice([rng.integers(1995, 2009), rng.integers(1965, 1995)], p=[0.40, 0.60])
        )
        if rng.random() < 0.03:
            birth_year = None
        gender = _weighted_choice(rng, (("f", 0.62), ("m", 0.34), ("unknown", 0.04)))
        province, city, _ = catalog.PLACES[int(rng.choice(len(catalog.PLACES), p=self._place_p))]
        surname = catalog.SURNAMES[int(rng.integers(len(catalog.SURNAMES)))]
        given = "".join(
            catalog.GIVEN_CHARS[int(i)]
            for i in rng.integers(len(catalog.GIVEN_CHARS), size=int(rng.integers(1, 3)))
        )
        phone = f"1{int(rng.choice([3, 5, 7, 8, 9]))}{int(rng.integers(0, 10**9)):09d}"
        address = (
            f"{city}市{catalog.STREETS[int(rng.integers(len(catalog.STREETS)))]}"
            f"{int(rng.integers(1, 999))}號"
        )
        tier = _weighted_choice(rng, catalog.MEMBER_TIERS)
        return (
            customer_id,
            registered_at,
            birth_year,
            gender,
            province,
            city,
            surname + given,
            phone,
            address,
            tier,
        )

    @property
    def _place_p(self) -> np.ndarray:
        if not hasattr(self, "_place_cache"):
            weights = np.array([p[2] for p in catalog.PLACES])
            self._place_cache = weights / weights.sum()
        return self._place_cache

    def random_second(self, rng: np.random.Generator) -> int:
        hour = _draw(rng, self._hour_cumulative)
        return hour * 3600 + int(rng.integers(0, 3600))

    # ------------------------------------------------------------------ the run
    def static_rows(self) -> dict[str, list[tuple]]:
        """Products and campaigns, known before the first day."""
        products = [
            (
                p.product_id,
                p.sku,
                p.name,
                p.category.code,
                p.price_cents,
                p.cost_cents,
                p.launched_at,
            )
            for p in self.products
        ]
        campaigns = [
            (
                c.campaign_id,
                c.name,
                c.channel,
                c.campaign_type,
                self.ts(c.warmup, 0),
                self.ts(c.burst, 0),
                self.ts(c.tail, 0),
                self.ts(c.end, 0),
                c.budget_cents,
            )
            for c in self.campaigns
        ]
        return {"products": products, "campaigns": campaigns}

    def run(self) -> Iterator[MonthRows]:
        """Yield the rows of each calendar month in order, then the month-level budgets."""
        buyer_of, day_of = self.schedule_purchases()
        n_buyers = self.buyer_first_day.size
        self.customer_of_buyer: list[str | None] = [None] * n_buyers
        self.purchases_of_buyer = np.zeros(n_buyers, dtype=int)
        self.registered: list[str] = []
        rng = self.rng_people
        n_leads = int(n_buyers * self.scale.lead_share)
        lead_days = np.sort(rng.integers(-300, self.days, size=n_leads))
        self.anonymous_pool = max(1000, int(n_buyers * 6))
        self.stock = self._initial_stock()
        self.spend_by_month: dict[tuple[str, str], int] = {}
        self.sales_history: list[np.ndarray] = []

        purchase_bounds = np.searchsorted(day_of, np.arange(self.days + 1))
        lead_bounds = np.searchsorted(lead_days, np.arange(self.days + 1))
        rows = MonthRows()
        current_month = self.month_of(0)
        # Leads registered before the period are customers from day one.
        for lead_day in lead_days[: lead_bounds[0]]:
            self._register_lead(rows, int(lead_day))
        for day in range(self.days):
            if self.month_of(day) != current_month:
                yield rows
                rows = MonthRows()
                current_month = self.month_of(day)
            for lead_day in lead_days[lead_bounds[day] : lead_bounds[day + 1]]:
                self._register_lead(rows, int(lead_day))
            self._simulate_day(rows, day, buyer_of[purchase_bounds[day] : purchase_bounds[day + 1]])
        yield rows
        yield self._budget_rows()

    def _register_lead(self, rows: MonthRows, day: int) -> None:
        customer_id = self.next_id("C")
        registered_at = self.ts(day, self.random_second(self.rng_people))
        rows.add("customers", self.person(customer_id, registered_at))
        self.registered.append(customer_id)

    def _initial_stock(self) -> dict[str, np.ndarray]:
        rng = self.rng_stock
        n = len(self.products)
        popularity = np.array([p.popularity for p in self.products])
        daily = 1.7 * self.scale.new_buyers_per_day * popularity / popularity.sum() * 1.6
        return {
            "on_hand": np.ceil(daily * rng.uniform(12, 30, n) + rng.integers(5, 15, n)),
            "safety": np.ceil(daily * rng.uniform(3, 6, n) + rng.integers(2, 6, n)),
            "pending_qty": np.zeros(n),
            "pending_day": np.full(n, -1),
        }

    # ------------------------------------------------------------------ one day
    def _simulate_day(self, rows: MonthRows, day: int, buyers: np.ndarray) -> None:
        rng = self.rng_orders
        units_sold = np.zeros(len(self.products))
        first_today = repeat_today = 0
        sessions_before = len(rows.tables.get("sessions", []))
        for buyer in buyers:
            buyer = int(buyer)
            first = self.purchases_of_buyer[buyer] == 0
            self.purchases_of_buyer[buyer] += 1
            first_today += first
            repeat_today += not first
            order_second = self.random_second(rng)
            if first:
                customer_id = self.next_id("C")
                if rng.random() < 0.7:
                    registered_at = self.ts(day, max(order_second - int(rng.integers(60, 1800)), 0))
                else:
                    registered_at = self.ts(
                        day - int(rng.integers(1, 400)), self.random_second(rng)
                    )
                rows.add("customers", self.person(customer_id, registered_at))
                self.registered.append(customer_id)
                self.customer_of_buyer[buyer] = customer_id
            customer_id = self.customer_of_buyer[buyer]
            tracked = rng.random() < (
                catalog.TRACKED_SHARE_FIRST if first else catalog.TRACKED_SHARE_REPEAT
            )
            lines = self._pick_lines(rng, day)
            if tracked:
                weights = (
                    catalog.FIRST_ORDER_CHANNEL_WEIGHTS
                    if first
                    else catalog.REPEAT_ORDER_CHANNEL_WEIGHTS
                )
                channel = _weighted_choice(rng, tuple(weights.items()))
                session_id, ordered_second, paid_second = self._converting_session(
                    rows, day, order_second, channel, customer_id, lines
                )
                platform = CHANNELS[channel].platform
            else:
                session_id = None
                ordered_second = order_second
                paid_second = order_second + int(rng.integers(30, 1800))
                platform = _weighted_choice(rng, catalog.MARKETPLACES)
            self._paid_order(
                rows,
                day,
                customer_id,
                session_id,
                platform,
                ordered_second,
                paid_second,
                lines,
                first,
            )
            for product_index, quantity, _, _ in lines:
                units_sold[product_index] += quantity
        self._browsing_sessions(rows, day, first_today, repeat_today)
        for spend_row in self.ad_spend_rows(day, rows.tables.get("sessions", [])[sessions_before:]):
            rows.add("ad_spend", spend_row)
        self._inventory_day(rows, day, units_sold)

    def _shop_phase(self, day: int) -> str | None:
        phases = [c.phase(day) for c in self.campaigns if c.shop_wide]
        for phase in ("burst", "warmup", "tail"):
            if phase in phases:
                return phase
        return None

    def _pick_lines(self, rng: np.random.Generator, day: int) -> list[tuple[int, int, int, int]]:
        """(product index, quantity, unit price cents, line discount cents) per line."""
        count = int(rng.choice([1, 2, 3], p=[0.62, 0.28, 0.10]))
        chosen = rng.choice(len(self.products), size=count, replace=False, p=self._popularity_p)
        burst = self._shop_phase(day) == "burst"
        lines = []
        for index in sorted(int(i) for i in chosen):
            product = self.products[index]
            quantity = int(rng.choice([1, 2, 3], p=[0.76, 0.19, 0.05]))
            price = product.price_cents
            if burst:
                price = int(price * 0.88) // 10 * 10
            discount = 0
            if rng.random() < 0.10:
                discount = int(price * quantity * 0.05)
            lines.append((index, quantity, price, discount))
        return lines

    def _coupon(self, rng, day: int, amount: int, first: bool) -> tuple[str | None, int]:
        if first and amount >= 5900 and rng.random() < 0.5:
            return "NEW10", 1000
        in_campaign = self._shop_phase(day) is not None
        if rng.random() < (0.75 if in_campaign else 0.15):
            if amount >= 39900:
                return "MJ399-50", 5000
            if amount >= 19900:
                return "MJ199-20", 2000
        return None, 0

    def _paid_order(
        self,
        rows,
        day,
        customer_id,
        session_id,
        platform,
        ordered_second,
        paid_second,
        lines,
        first,
    ) -> None:
        rng = self.rng_orders
        after = self.rng_after
        order_id = self.next_id("O")
        amount = sum(q * p - d for _, q, p, d in lines)
        coupon, discount = self._coupon(rng, day, amount, first)
        shipping = 0 if amount - discount >= 9900 else int(rng.choice([800, 1000, 1200]))
        end = self.days * SECONDS_PER_DAY
        paid_abs = day * SECONDS_PER_DAY + paid_second
        shipped_abs = paid_abs + int(after.uniform(0.2, 1.2) * SECONDS_PER_DAY)
        delivered_abs = shipped_abs + int(after.uniform(0.8, 3.0) * SECONDS_PER_DAY)
        status = "paid"
        shipped_at = delivered_at = None
        if shipped_abs < end:
            status, shipped_at = "shipped", self.ts(0, shipped_abs)
        if delivered_abs < end:
            status, delivered_at = "delivered", self.ts(0, delivered_abs)
        for line_number, (index, quantity, price, line_discount) in enumerate(lines, start=1):
            rows.add(
                "order_items",
                (
                    order_id,
                    line_number,
                    self.products[index].product_id,
                    quantity,
                    price,
                    line_discount,
                ),
            )
        if delivered_at is not None:
            refund_rate = max(self.products[i].category.refund_rate for i, *_ in lines)
            refunded_abs = delivered_abs + int(after.uniform(1, 10) * SECONDS_PER_DAY)
            if after.random() < refund_rate and refunded_abs < end:
                reason = str(after.choice(catalog.REFUND_REASONS))
                if after.random() < 0.4:
                    status = "refunded"
                    rows.add(
                        "refunds",
                        (
                            self.next_id("R"),
                            order_id,
                            None,
                            self.ts(0, refunded_abs),
                            amount - discount,
                            reason,
                        ),
                    )
                else:
                    index, quantity, price, line_discount = lines[int(after.integers(len(lines)))]
                    line_amount = quantity * price - line_discount
                    share = discount * line_amount // max(amount, 1)
                    rows.add(
                        "refunds",
                        (
                            self.next_id("R"),
                            order_id,
                            self.products[index].product_id,
                            self.ts(0, refunded_abs),
                            line_amount - share,
                            reason,
                        ),
                    )
            reviewed_abs = delivered_abs + int(after.uniform(0.5, 7) * SECONDS_PER_DAY)
            if after.random() < 0.30 and reviewed_abs < end:
                index = lines[int(after.integers(len(lines)))][0]
                rating = int(after.choice([5, 4, 3, 2, 1], p=[0.62, 0.25, 0.095, 0.02, 0.015]))
                rows.add(
                    "reviews",
                    (
                        self.next_id("V"),
                        order_id,
                        self.products[index].product_id,
                        rating,
                        self.ts(0, reviewed_abs),
                    ),
                )
        rows.add(
            "orders",
            (
                order_id,
                customer_id,
                session_id,
                self.ts(day, ordered_second),
                self.ts(day, paid_second),
                status,
                platform,
                coupon,
                discount,
                shipping,
                shipped_at,
                delivered_at,
            ),
        )

    # ------------------------------------------------------------------ sessions
    def _session_row(
        self, rows, day, second, channel, customer_id, is_bot, landing, load_ms
    ) -> tuple[str, str | None]:
        rng = self.rng_sessions
        session_id = self.next_id("S", self.w + 1)
        campaign = self.campaign_for(channel, day)
        campaign_id = campaign.campaign_id if campaign and rng.random() < 0.8 else None
        if customer_id is not None:
            visitor_id = "V" + customer_id[1:]
        else:
            visitor_id = f"A{int(rng.integers(self.anonymous_pool)):0{self.w + 1}d}"
        if landing is None:
            landing = self._landing_page(rng, campaign_id)
        device = _weighted_choice(rng, catalog.DEVICES)
        info = CHANNELS[channel]
        bot_flag = (
            True
            if is_bot and rng.random() < catalog.BOT_FLAGGED_SHARE
            else (None if is_bot or rng.random() < 0.01 else False)
        )
        rows.add(
            "sessions",
            (
                session_id,
                visitor_id,
                customer_id,
                self.ts(day, second),
                channel,
                info.source,
                info.medium,
                campaign_id,
                device,
                landing,
                load_ms,
                bot_flag,
            ),
        )
        return session_id, campaign_id

    def _landing_page(self, rng, campaign_id: str | None) -> str:
        if campaign_id and rng.random() < 0.5:
            return f"/campaign/{campaign_id}"
        draw = rng.random()
        if draw < 0.40:
            return "/"
        if draw < 0.80:
            return f"/p/{self.products[int(rng.integers(len(self.products)))].product_id}"
        return f"/c/{self.products[int(rng.integers(len(self.products)))].category.code}"

    def _event(
        self, rows, session_id, day, second, event_type, page=None, product_id=None, dwell=None
    ) -> None:
        rows.add(
            "events",
            (
                self.next_id("E", self.w + 2),
                session_id,
                self.ts(day, second),
                event_type,
                page,
                product_id,
                dwell,
            ),
        )

    def _page_view_dwell(self, rng, page: str) -> int:
        return int(rng.gamma(2.0, 22_500 if page == "/" else 15_000))

    def _load_ms(self, rng) -> int:
        return int(rng.lognormal(np.log(1400), 0.62))

    def _ad_events(self, rows, session_id, day, second, channel) -> None:
        """The ad click that opened a paid visit (impressions are counted by the ad platform)."""
        if CHANNELS[channel].is_paid:
            self._event(rows, session_id, day, max(second - 1, 0), "click")

    def _converting_session(self, rows, day, second, channel, customer_id, lines):
        rng = self.rng_sessions
        product_ids = [self.products[i].product_id for i, *_ in lines]
        landing = f"/p/{product_ids[0]}" if rng.random() < 0.5 else None
        session_id, _ = self._session_row(
            rows, day, second, channel, customer_id, False, landing, self._load_ms(rng)
        )
        self._ad_events(rows, session_id, day, second, channel)
        page = landing or "/"
        self._event(
            rows, session_id, day, second, "page_view", page, None, self._page_view_dwell(rng, page)
        )
        t = second
        for product_id in product_ids:
            t += int(rng.integers(10, 90))
            self._event(
                rows,
                session_id,
                day,
                t,
                "product_view",
                f"/p/{product_id}",
                product_id,
                int(rng.gamma(2.0, 20_000)),
            )
            t += int(rng.integers(5, 60))
            self._event(rows, session_id, day, t, "add_to_cart", f"/p/{product_id}", product_id)
        t += int(rng.integers(20, 120))
        ordered = t
        self._event(rows, session_id, day, ordered, "checkout", "/checkout")
        t += int(rng.integers(10, 180))
        self._event(rows, session_id, day, t, "payment", "/pay")
        return session_id, ordered, t

    def _browsing_sessions(self, rows, day: int, first_today: int, repeat_today: int) -> None:
        """Sessions that do not buy, per channel, plus bot sessions."""
        rng = self.rng_sessions
        total = 0
        for channel, info in CHANNELS.items():
            converting = (
                first_today
                * catalog.TRACKED_SHARE_FIRST
                * catalog.FIRST_ORDER_CHANNEL_WEIGHTS[channel]
                + repeat_today
                * catalog.TRACKED_SHARE_REPEAT
                * catalog.REPEAT_ORDER_CHANNEL_WEIGHTS[channel]
            )
            count = int(rng.poisson(converting * (1 / info.conversion - 1)))
            total += count
            for _ in range(count):
                self._browsing_session(rows, day, channel)
        bots = int(rng.poisson(total * catalog.BOT_SHARE / (1 - catalog.BOT_SHARE)))
        paid = catalog.PAID_CHANNELS
        for _ in range(bots):
            channel = paid[int(rng.integers(len(paid)))]
            second = self.random_second(rng)
            session_id, _ = self._session_row(
                rows, day, second, channel, None, True, "/", int(rng.integers(200, 900))
            )
            self._ad_events(rows, session_id, day, second, channel)
            for step in range(int(rng.integers(5, 7))):
                self._event(
                    rows,
                    session_id,
                    day,
                    second + step // 4,
                    "page_view",
                    f"/c/{self.products[step].category.code}",
                    None,
                    0,
                )

    def _browsing_session(self, rows, day: int, channel: str) -> None:
        rng = self.rng_sessions
        second = self.random_second(rng)
        customer_id = None
        if self.registered and rng.random() < 0.3:
            customer_id = self.registered[int(rng.integers(len(self.registered)))]
        load_ms = self._load_ms(rng)
        session_id, _ = self._session_row(
            rows, day, second, channel, customer_id, False, None, load_ms
        )
        landing = rows.tables["sessions"][-1][9]
        self._ad_events(rows, session_id, day, second, channel)
        self._event(
            rows,
            session_id,
            day,
            second,
            "page_view",
            landing,
            None,
            self._page_view_dwell(rng, landing),
        )
        bounce = 0.34 + (0.26 if load_ms > 3000 else 0.0)
        if rng.random() < bounce:
            return
        t = second
        viewed = []
        if rng.random() < 0.15 and landing != "/":
            t += int(rng.integers(5, 60))
            self._event(
                rows, session_id, day, t, "page_view", "/", None, self._page_view_dwell(rng, "/")
            )
        views = 1 if rng.random() < 0.6 else 2
        for index in _draw(rng, self._popularity_cumulative, views):
            product_id = self.products[int(index)].product_id
            t += int(rng.integers(10, 90))
            self._event(
                rows,
                session_id,
                day,
                t,
                "product_view",
                f"/p/{product_id}",
                product_id,
                int(rng.gamma(2.0, 15_000)),
            )
            viewed.append(int(index))
        carted = rng.random() < 0.27
        if carted:
            for _ in range(2 if rng.random() < 0.1 else 1):
                t += int(rng.integers(5, 60))
                pid = self.products[viewed[0]].product_id
                self._event(rows, session_id, day, t, "add_to_cart", f"/p/{pid}", pid)
        if (carted and rng.random() < 0.36) or (not carted and rng.random() < 0.02):
            t += int(rng.integers(20, 120))
            self._event(rows, session_id, day, t, "checkout", "/checkout")
            if customer_id is not None and rng.random() < 0.6:
                self._unpaid_order(rows, day, t, customer_id, session_id, channel, viewed[:1])

    def _unpaid_order(self, rows, day, second, customer_id, session_id, channel, indices):
        order_id = self.next_id("O")
        for line_number, index in enumerate(indices, start=1):
            product = self.products[index]
            rows.add(
                "order_items",
                (order_id, line_number, product.product_id, 1, product.price_cents, 0),
            )
        status = "created" if day >= self.days - 1 else "cancelled"
        rows.add(
            "orders",
            (
                order_id,
                customer_id,
                session_id,
                self.ts(day, second),
                None,
                status,
                CHANNELS[channel].platform,
                None,
                0,
                0 if self.products[indices[0]].price_cents >= 9900 else 1000,
                None,
                None,
            ),
        )

    # ------------------------------------------------------------------ spend, stock, budgets
    def ad_spend_rows(self, day: int, sessions: list[tuple]) -> list[tuple]:
        """Daily ad spend per paid channel and campaign, from that day's tracked clicks."""
        rng = self.rng_spend
        visits: dict[tuple[str, str], int] = {}
        for session in sessions:
            channel = session[4]
            if CHANNELS[channel].is_paid:
                key = (channel, session[7] or "")
                visits[key] = visits.get(key, 0) + 1
        out = []
        for (channel, campaign_id), count in sorted(visits.items()):
            info = CHANNELS[channel]
            clicks = max(1, int(round(count * info.clicks_per_session * rng.uniform(0.95, 1.05))))
            impressions = int(round(clicks / (info.ctr * rng.uniform(0.9, 1.1))))
            campaign = self.campaign_for(channel, day) if campaign_id else None
            dearer = 1.2 if campaign and campaign.phase(day) == "burst" else 1.0
            spend = int(round(clicks * info.cpc * 100 * dearer * rng.uniform(0.92, 1.08)))
            out.append(
                (self.day_text[day], channel, campaign_id or None, impressions, clicks, spend)
            )
            month = self.day_text[day][:7] + "-01"
            self.spend_by_month[(month, channel)] = (
                self.spend_by_month.get((month, channel), 0) + spend
            )
        return out

    def _inventory_day(self, rows: MonthRows, day: int, units_sold: np.ndarray) -> None:
        rng = self.rng_stock
        stock = self.stock
        arriving = stock["pending_day"] == day
        stock["on_hand"][arriving] += stock["pending_qty"][arriving]
        stock["pending_qty"][arriving] = 0
        stock["pending_day"][arriving] = -1
        stock["on_hand"] = np.maximum(stock["on_hand"] - units_sold, 0)
        self.sales_history.append(units_sold)
        recent = np.mean(self.sales_history[-28:], axis=0)
        reorder = (stock["on_hand"] <= stock["safety"]) & (stock["pending_day"] < 0)
        for index in np.nonzero(reorder)[0]:
            stock["pending_qty"][index] = np.ceil(max(recent[index], 0.3) * rng.uniform(25, 45))
            stock["pending_day"][index] = day + int(rng.integers(4, 16))
        for index, product in enumerate(self.products):
            rows.add(
                "inventory_snapshots",
                (
                    self.day_text[day],
                    product.product_id,
                    int(stock["on_hand"][index]),
                    int(stock["safety"][index]),
                ),
            )

    def _budget_rows(self) -> MonthRows:
        rng = self.rng_spend
        rows = MonthRows()
        last_november = max(
            (m for m, c in self.spend_by_month if m.endswith("-11-01")), default=None
        )
        for (month, channel), spend in sorted(self.spend_by_month.items()):
            factor = rng.uniform(1.0, 1.15)
            if month == last_november and channel == "douyin_ads":
                factor = 1 / 1.18  # the month Douyin overspent its budget
            budget = int(round(spend * factor / 10_000)) * 10_000
            rows.add(
                "marketing_budgets",
                (month, channel, max(budget, 10_000), channel in ("douyin_ads", "search_ads")),
            )
        return rows
