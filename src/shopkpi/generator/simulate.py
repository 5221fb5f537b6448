"""Day-by-day simulation of the shop, emitting contract rows one day at a time.

How the shop behaves:

* **Buyers** arrive every day (more on weekends and during campaign phases). Each buyer has
  a latent purchase rate and, after every purchase, a chance to drop out for good (the
  BG/NBD story), so most buy once and a long tail keeps coming back. Some registered
  customers (leads) never buy.
* A purchase is either placed in a **tracked session** (the buyer's first one through the
  acquisition mix of channels, later ones mostly through the private domain) or on a
  **marketplace** (Tmall / JD) with no session. Each channel has its own basket size.
* **Sessions** that do not buy are generated per channel so each channel lands near its own
  conversion rate, which rises in a campaign's burst and dips in its warm-up. Paid visits
  start with the ad impression and click. Visits bounce more when the landing page loads
  slowly; some reach the cart or checkout and stop, and logged-in checkouts that stop leave
  an unpaid order. Recent customers come back to browse more often than old ones. Bot
  sessions click paid ads and fire many page views within a second.
* **Ad spend** follows the tracked clicks of paid channels (bots' clicks are paid for too),
  at each channel's cost per click, dearer during a campaign's burst and in one channel's
  bidding-war month. Campaign and monthly budgets are set around what was spent, and
  Douyin overspends its November budget.
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
# Visits on the last simulated day start early enough to finish within it.
LAST_DAY_START_LIMIT = SECONDS_PER_DAY - 1_800
CHANNEL_CODES = tuple(CHANNELS)
CONVERSION = np.array([CHANNELS[c].conversion for c in CHANNEL_CODES])
IS_PAID = tuple(CHANNELS[c].is_paid for c in CHANNEL_CODES)
HOMEPAGE_DWELL_SCALE_MS = 24_000  # gamma(2) draws: ~48 s on the homepage on average
PAGE_DWELL_SCALE_MS = 15_000


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
class DayRows:
    """Rows of every table produced for one simulated day (or the closing rows)."""

    tables: dict[str, list[tuple]] = field(default_factory=dict)

    def add(self, table: str, row: tuple) -> None:
        self.tables.setdefault(table, []).append(row)


def _cumulative(weights) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return np.cumsum(weights / weights.sum())


def _draw(rng: np.random.Generator, cumulative: np.ndarray, size: int | None = None):
    """Index (or indices) drawn from a cumulative distribution."""
    if size is None:
        return min(
            int(np.searchsorted(cumulative, rng.random(), side="right")),
            cumulative.size - 1,
        )
    return np.minimum(
        np.searchsorted(cumulative, rng.random(size), side="right"), cumulative.size - 1
    )


_PAIR_CACHE: dict[tuple, tuple[list, np.ndarray]] = {}


def _weighted_choice(rng: np.random.Generator, pairs: tuple) -> str:
    """One name from (name, weight) pairs, drawn with a single uniform number."""
    cached = _PAIR_CACHE.get(pairs)
    if cached is None:
        cached = ([p[0] for p in pairs], _cumulative([p[1] for p in pairs]))
        _PAIR_CACHE[pairs] = cached
    names, cumulative = cached
    return names[_draw(rng, cumulative)]


def _dwell(page: str, gamma_draw: float) -> int:
    """Dwell time on a page view in ms from a gamma(2, 1) draw."""
    return int(gamma_draw * (HOMEPAGE_DWELL_SCALE_MS if page == "/" else PAGE_DWELL_SCALE_MS))


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
        self._campaign_on: dict[tuple[str, int], Campaign] = {}
        for campaign in self.campaigns:
            for day in range(max(campaign.warmup, 0), min(campaign.end, self.days)):
                self._campaign_on.setdefault((campaign.channel, day), campaign)
        self.lift, self.conversion_lift, self.channel_lift = self._daily_lift()
        self._counters: dict[str, int] = {}
        self._hour_cumulative = _cumulative(catalog.HOUR_WEIGHTS)
        self._device_names = [d[0] for d in catalog.DEVICES]
        self._device_cumulative = _cumulative([d[1] for d in catalog.DEVICES])
        popularity = np.array([p.popularity for p in self.products])
        self._popularity_p = popularity / popularity.sum()
        self._popularity_cumulative = np.cumsum(self._popularity_p)
        self._place_cumulative = _cumulative([p[2] for p in catalog.PLACES])
        self._first_weights = np.array(
            [catalog.FIRST_ORDER_CHANNEL_WEIGHTS[c] for c in CHANNEL_CODES]
        )
        self._repeat_weights = np.array(
            [catalog.REPEAT_ORDER_CHANNEL_WEIGHTS[c] for c in CHANNEL_CODES]
        )

    # ------------------------------------------------------------------ helpers
    def next_id(self, prefix: str, width: int) -> str:
        n = self._counters.get(prefix, 0) + 1
        if n >= 10**width:
            raise OverflowError(f"more than {10**width - 1} ids with prefix {prefix!r}")
        self._counters[prefix] = n
        return f"{prefix}{n:0{width}d}"

    def customer_id(self, number: int) -> str:
        return f"C{number:0{self.w}d}"

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

    def random_seconds(self, rng: np.random.Generator, day: int, size: int) -> np.ndarray:
        """Seconds after midnight following the shop's hourly traffic curve."""
        hours = _draw(rng, self._hour_cumulative, size)
        seconds = hours * 3600 + rng.integers(0, 3600, size=size)
        if day == self.days - 1:
            seconds = np.minimum(seconds, LAST_DAY_START_LIMIT)
        return seconds

    def random_second(self, rng: np.random.Generator, day: int) -> int:
        return int(self.random_seconds(rng, day, 1)[0])

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
                price = max(price, 2_890)
                cost = int(price * rng.uniform(*category.cost_ratio))
                launched = launch_base + dt.timedelta(days=int(rng.integers(0, 380)))
                index += 1
                # Cheaper products sell more units.
                demand = float(popularity[index - 1]) * (price / 19_900) ** -0.6
                products.append(
                    Product(
                        product_id=f"P{index:04d}",
                        sku=f"SKU-{category.code[:3].upper()}-{index:04d}",
                        name=name,
                        category=category,
                        price_cents=price,
                        cost_cents=cost,
                        launched_at=f"{launched.isoformat()}T10:00:00+08:00",
                        popularity=demand,
                    )
                )
        return products

    def _make_campaigns(self) -> list[Campaign]:
        campaigns: list[Campaign] = []
        start, end = self.scale.start, self.dates[-1]

        def add(name, channel, ctype, dates, shop_wide):
            warmup, burst, tail, finish = ((d - start).days for d in dates)
            if finish <= 0 or warmup >= self.days:
                return
            campaign_id = f"K{len(campaigns) + 1:04d}"
            campaigns.append(
                Campaign(
                    campaign_id,
                    name,
                    channel,
                    ctype,
                    warmup,
                    burst,
                    tail,
                    finish,
                    shop_wide,
                )
            )

        short = {
            "douyin_ads": "抖音",
            "xiaohongshu_ads": "小紅書",
            "wechat_ads": "微信",
            "search_ads": "搜索",
            "kol_live": "KOL直播",
        }
        for year in range(start.year, end.year + 1):
            D = dt.date  # noqa: N806
            big = (
                (
                    "618",
                    (D(year, 5, 20), D(year, 6, 1), D(year, 6, 19), D(year, 6, 21)),
                ),
                (
                    "雙11",
                    (D(year, 10, 20), D(year, 11, 1), D(year, 11, 12), D(year, 11, 15)),
                ),
                (
                    "雙12",
                    (D(year, 12, 1), D(year, 12, 8), D(year, 12, 13), D(year, 12, 16)),
                ),
            )
            for label, dates in big:
                for channel, channel_label in short.items():
                    add(
                        f"{year} {label} {channel_label}",
                        channel,
                        "promotion",
                        dates,
                        True,
                    )
            for month, day in ((3, 8), (8, 18), (9, 20)):
                warm = D(year, month, day)
                dates = tuple(warm + dt.timedelta(days=n) for n in (0, 3, 4, 6))
                add(
                    f"{year} 達人直播 {month}月",
                    "kol_live",
                    "live_stream",
                    dates,
                    False,
                )
            dates = (D(year, 7, 1), D(year, 7, 8), D(year, 7, 22), D(year, 8, 1))
            add(f"{year} 拼團裂變", "social_fission", "social_fission", dates, False)
        return campaigns

    def _daily_lift(self) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """Traffic lift per day, conversion lift per day, and channel-only campaign lifts."""
        lift = np.ones(self.days)
        conversion = np.ones(self.days)
        channel_lift = {code: np.ones(self.days) for code in CHANNEL_CODES}
        for day in range(self.days):
            phase = self.shop_phase(day)
            growth = 1.0 + 0.15 * day / max(self.days - 1, 1)
            weekday = catalog.WEEKDAY_LIFT[self.dates[day].weekday()]
            lift[day] = weekday * growth * (catalog.PHASE_LIFT[phase] if phase else 1.0)
            conversion[day] = catalog.PHASE_CONVERSION[phase] if phase else 1.0
            for campaign in self.campaigns:
                own = campaign.phase(day)
                if own and not campaign.shop_wide:
                    channel_lift[campaign.channel][day] = 1.0 + catalog.PHASE_LIFT[own]
        return lift, conversion, channel_lift

    def shop_phase(self, day: int) -> str | None:
        """The phase of the shop-wide campaign running on a day, if any."""
        phases = {c.phase(day) for c in self.campaigns if c.shop_wide}
        for phase in ("burst", "warmup", "tail"):
            if phase in phases:
                return phase
        return None

    def campaign_for(self, channel: str, day: int) -> Campaign | None:
        return self._campaign_on.get((channel, day))

    # ------------------------------------------------------------------ buyers
    def schedule_purchases(self) -> tuple[np.ndarray, np.ndarray]:
        """Return (buyer index, day) of every purchase, sorted by day then buyer."""
        rng = self.rng_buyers
        arrivals = rng.poisson(self.scale.new_buyers_per_day * self.lift)
        first_day = np.repeat(np.arange(self.days), arrivals)
        n = first_day.size
        rate = rng.gamma(shape=0.6, scale=1 / 40, size=n)  # purchases per (lifted) day
        drop = rng.beta(1.4, 1.6, size=n)  # chance to leave after each purchase
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
        """A customer row: ~40% Gen-Z, mostly women, from the shop's cities, with PII."""
        rng = self.rng_people
        u = rng.random(5)
        if u[0] < 0.03:
            birth_year = None
        elif u[0] < 0.41:
            birth_year = 1995 + int(u[1] * 14)  # Gen-Z, born 1995-2008
        else:
            birth_year = 1965 + int(u[1] * 30)
        gender = "f" if u[2] < 0.62 else ("m" if u[2] < 0.96 else "unknown")
        province, city, _ = catalog.PLACES[_draw(rng, self._place_cumulative)]
        picks = rng.integers(0, 1_000_000_000, size=5).tolist()
        surname = catalog.SURNAMES[picks[0] % len(catalog.SURNAMES)]
        given = catalog.GIVEN_CHARS[picks[1] % len(catalog.GIVEN_CHARS)]
        if u[3] < 0.6:
            given += catalog.GIVEN_CHARS[picks[2] % len(catalog.GIVEN_CHARS)]
        phone = f"1{(3, 5, 7, 8, 9)[int(u[4] * 5)]}{picks[3]:09d}"
        street = catalog.STREETS[picks[4] % len(catalog.STREETS)]
        address = f"{city}市{street}{picks[4] % 998 + 1}號"
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

    def register(self, rows: DayRows, registered_at: str) -> int:
        """Add a customer row and return the customer's number."""
        number = self._counters.get("C", 0) + 1
        self._counters["C"] = number
        rows.add("customers", self.person(self.customer_id(number), registered_at))
        self.registered[self.n_registered] = number
        self.n_registered += 1
        return number

    # ------------------------------------------------------------------ the run
    def static_rows(self) -> dict[str, list[tuple]]:
        """The product catalogue, known before the first day."""
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
        return {"products": products}

    def run(self) -> Iterator[DayRows]:
        """Yield the rows of each day in order, then campaigns and monthly budgets."""
        buyer_of, day_of = self.schedule_purchases()
        n_buyers = self.buyer_first_day.size
        self.customer_of_buyer = np.full(n_buyers, -1, dtype=np.int64)
        self.purchases_of_buyer = np.zeros(n_buyers, dtype=np.int64)
        rng = self.rng_people
        n_leads = int(n_buyers * self.scale.lead_share)
        lead_days = np.sort(rng.integers(-300, self.days, size=n_leads))
        self.registered = np.zeros(n_buyers + n_leads, dtype=np.int64)
        self.n_registered = 0
        self.anonymous_pool = max(1000, int(n_buyers * 6))
        self.stock = self._initial_stock()
        self.spend_by_month: dict[tuple[str, str], int] = {}
        self.spend_by_campaign: dict[str, int] = {}
        self.sales_history: list[np.ndarray] = []

        purchase_bounds = np.searchsorted(day_of, np.arange(self.days + 1))
        lead_bounds = np.searchsorted(lead_days, np.arange(self.days + 1))
        rows = DayRows()
        # Leads registered before the period are customers from day one.
        for lead_day in lead_days[: lead_bounds[0]].tolist():
            self.register(rows, self.ts(lead_day, self.random_second(rng, lead_day)))
        for day in range(self.days):
            for lead_day in lead_days[lead_bounds[day] : lead_bounds[day + 1]].tolist():
                self.register(rows, self.ts(lead_day, self.random_second(rng, lead_day)))
            self._simulate_day(rows, day, buyer_of[purchase_bounds[day] : purchase_bounds[day + 1]])
            yield rows
            rows = DayRows()
        yield self._closing_rows()

    def _initial_stock(self) -> dict[str, np.ndarray]:
        rng = self.rng_stock
        n = len(self.products)
        daily = 3.5 * self.scale.new_buyers_per_day * self._popularity_p
        return {
            "on_hand": np.ceil(daily * rng.uniform(12, 30, n) + rng.integers(5, 15, n)),
            "safety": np.ceil(daily * rng.uniform(3, 6, n) + rng.integers(2, 6, n)),
            "pending_qty": np.zeros(n),
            "pending_day": np.full(n, -1),
        }

    # ------------------------------------------------------------------ one day
    def _channel_cumulatives(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Channel mixes of first and repeat tracked orders on a day (campaigns lift theirs)."""
        own = np.array([self.channel_lift[c][day] for c in CHANNEL_CODES])
        return _cumulative(self._first_weights * own), _cumulative(self._repeat_weights * own)

    def _simulate_day(self, rows: DayRows, day: int, buyers: np.ndarray) -> None:
        rng = self.rng_orders
        units_sold = np.zeros(len(self.products))
        converting = np.zeros(len(CHANNEL_CODES))
        self._visits: dict[tuple[str, str], int] = {}
        first_mix, repeat_mix = self._channel_cumulatives(day)
        seconds = self.random_seconds(rng, day, len(buyers)).tolist()
        for buyer, order_second in zip(buyers.tolist(), seconds, strict=True):
            first = self.purchases_of_buyer[buyer] == 0
            self.purchases_of_buyer[buyer] += 1
            if first:
                if rng.random() < 0.7:
                    registered_at = self.ts(day, max(order_second - int(rng.integers(60, 1800)), 0))
                else:
                    registered_at = self.ts(
                        day - int(rng.integers(1, 400)), self.random_second(rng, 0)
                    )
                self.customer_of_buyer[buyer] = self.register(rows, registered_at)
            customer_id = self.customer_id(int(self.customer_of_buyer[buyer]))
            tracked = rng.random() < (
                catalog.TRACKED_SHARE_FIRST if first else catalog.TRACKED_SHARE_REPEAT
            )
            if tracked:
                channel_index = _draw(rng, first_mix if first else repeat_mix)
                converting[channel_index] += 1
                channel = CHANNEL_CODES[channel_index]
                lines = self._pick_lines(rng, day, CHANNELS[channel].basket)
                session_id, ordered_second, paid_second = self._converting_session(
                    rows, day, order_second, channel, customer_id, lines
                )
                platform = CHANNELS[channel].platform
            else:
                lines = self._pick_lines(rng, day, 1.0)
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
        self._browsing_sessions(rows, day, converting)
        self._bot_sessions(rows, day, len(rows.tables.get("sessions", [])))
        for spend_row in self._ad_spend_rows(day):
            rows.add("ad_spend", spend_row)
        self._inventory_day(rows, day, units_sold)

    def _pick_lines(
        self, rng: np.random.Generator, day: int, basket: float
    ) -> list[tuple[int, int, int, int]]:
        """(product index, quantity, unit price cents, line discount cents) per line."""
        draw = rng.random()
        count = 1 if draw < 1 - 0.38 * basket else (2 if draw < 1 - 0.10 * basket else 3)
        chosen = rng.choice(len(self.products), size=count, replace=False, p=self._popularity_p)
        burst = self.shop_phase(day) == "burst"
        lines = []
        for index in sorted(chosen.tolist()):
            product = self.products[index]
            draw = rng.random()
            quantity = 1 if draw < 0.76 else (2 if draw < 0.95 else 3)
            price = product.price_cents
            if burst:  # campaign price
                price = int(price * 0.88) // 10 * 10
            discount = 0
            if rng.random() < 0.10:
                discount = int(price * quantity * 0.05)
            lines.append((index, quantity, price, discount))
        return lines

    def _coupon(self, rng, day: int, amount: int, first: bool) -> tuple[str | None, int]:
        if first and amount >= 5900 and rng.random() < 0.5:
            return "NEW10", 1000
        in_campaign = self.shop_phase(day) is not None
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
        order_id = self.next_id("O", self.w)
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
                    refund = (None, amount - discount)
                else:
                    index, quantity, price, line_discount = lines[int(after.integers(len(lines)))]
                    line_amount = quantity * price - line_discount
                    share = discount * line_amount // max(amount, 1)
                    refund = (self.products[index].product_id, line_amount - share)
                rows.add(
                    "refunds",
                    (
                        self.next_id("R", self.w - 1),
                        order_id,
                        refund[0],
                        self.ts(0, refunded_abs),
                        refund[1],
                        reason,
                    ),
                )
            reviewed_abs = delivered_abs + int(after.uniform(0.5, 7) * SECONDS_PER_DAY)
            if after.random() < 0.30 and reviewed_abs < end:
                index = lines[int(after.integers(len(lines)))][0]
                draw = after.random()
                rating = 5 if draw < 0.62 else 4 if draw < 0.87 else 3 if draw < 0.965 else 2
                if draw >= 0.985:
                    rating = 1
                rows.add(
                    "reviews",
                    (
                        self.next_id("RV", self.w - 1),
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
    def _new_session(self, rows, day, second, channel, customer_id, visitor, campaign_id, *rest):
        """Add a session row; ``rest`` is (device, landing page, page load ms, bot flag)."""
        session_id = self.next_id("S", self.scale.session_id_width)
        info = CHANNELS[channel]
        if visitor is None:
            visitor = "V" + customer_id[1:]
        rows.add(
            "sessions",
            (
                session_id,
                visitor,
                customer_id,
                self.ts(day, second),
                channel,
                info.source,
                info.medium,
                campaign_id,
                *rest,
            ),
        )
        if info.is_paid:
            key = (channel, campaign_id or "")
            self._visits[key] = self._visits.get(key, 0) + 1
        return session_id

    def _event(self, rows, session_id, day, second, event_type, page, product_id, dwell) -> None:
        rows.add(
            "events",
            (
                self.next_id("E", self.scale.event_id_width),
                session_id,
                self.ts(day, second),
                event_type,
                page,
                product_id,
                dwell,
            ),
        )

    def _ad_events(self, rows, session_id, day, second, gap) -> int:
        """The ad impression and the click that opened a paid visit; returns the landing time."""
        self._event(rows, session_id, day, second, "impression", None, None, None)
        self._event(rows, session_id, day, second + gap, "click", None, None, None)
        return second + gap + 1

    def _landing_page(self, campaign_id, u_campaign: float, u_page: float, product: int) -> str:
        if campaign_id and u_campaign < 0.5:
            return f"/campaign/{campaign_id}"
        if u_page < 0.40:
            return "/"
        if u_page < 0.80:
            return f"/p/{self.products[product].product_id}"
        return f"/c/{self.products[product].category.code}"

    def _load_ms(self, rng, size: int) -> np.ndarray:
        """Landing-page load times: long-tailed, about one visit in nine over 3 s."""
        return rng.lognormal(np.log(1400), 0.62, size=size).astype(np.int64)

    def _converting_session(self, rows, day, second, channel, customer_id, lines):
        """The visit in which a buyer pays: landing, product views, cart, checkout, payment."""
        rng = self.rng_sessions
        product_ids = [self.products[i].product_id for i, *_ in lines]
        campaign = self.campaign_for(channel, day)
        u = rng.random(6).tolist()
        campaign_id = campaign.campaign_id if campaign and u[0] < 0.8 else None
        if u[1] < 0.5:
            landing = f"/p/{product_ids[0]}"
        else:
            landing = self._landing_page(campaign_id, u[2], 0.0, 0)
        device = self._device_names[_draw(rng, self._device_cumulative)]
        load_ms = int(self._load_ms(rng, 1)[0] * 0.8)  # buyers rarely wait on slow pages
        session_id = self._new_session(
            rows,
            day,
            second,
            channel,
            customer_id,
            None,
            campaign_id,
            device,
            landing,
            load_ms,
            None if u[3] < 0.01 else False,
        )
        gaps = rng.integers(5, 90, size=12).tolist()
        dwell = rng.gamma(2.0, 1.0, size=4).tolist()
        t = second
        if CHANNELS[channel].is_paid:
            t = self._ad_events(rows, session_id, day, t, gaps[0] // 4 + 1)
        self._event(
            rows,
            session_id,
            day,
            t,
            "page_view",
            landing,
            None,
            _dwell(landing, dwell[0]),
        )
        buy_now = len(lines) == 1 and u[4] < 0.08  # straight from product page to checkout
        for number, product_id in enumerate(product_ids):
            t += gaps[1 + 2 * number]
            page = f"/p/{product_id}"
            dwell_ms = _dwell(page, dwell[1 + number])
            self._event(rows, session_id, day, t, "product_view", page, product_id, dwell_ms)
            if not buy_now:
                t += gaps[2 + 2 * number]
                self._event(rows, session_id, day, t, "add_to_cart", page, product_id, None)
        t += gaps[8] + 20
        ordered = t
        self._event(rows, session_id, day, ordered, "checkout", "/checkout", None, None)
        t += gaps[9] * 2
        self._event(rows, session_id, day, t, "payment", "/pay", None, None)
        return session_id, ordered, t

    def _browsing_sessions(self, rows: DayRows, day: int, converting: np.ndarray) -> None:
        """Human sessions that do not buy, per channel, drawn for the whole day at once."""
        rng = self.rng_sessions
        conversion = np.minimum(CONVERSION * self.conversion_lift[day], 0.5)
        counts = rng.poisson(converting * (1 / conversion - 1))
        channel_of = np.repeat(np.arange(len(CHANNEL_CODES)), counts).tolist()
        n = len(channel_of)
        if n == 0:
            return
        seconds = self.random_seconds(rng, day, n).tolist()
        u = rng.random((n, 14)).tolist()
        load = self._load_ms(rng, n).tolist()
        dwell = rng.gamma(2.0, 1.0, size=(n, 4)).tolist()
        gaps = rng.integers(5, 90, size=(n, 6)).tolist()
        viewed = _draw(rng, self._popularity_cumulative, 2 * n).reshape(n, 2).tolist()
        landing_product = rng.integers(len(self.products), size=n).tolist()
        devices = _draw(rng, self._device_cumulative, n).tolist()
        visitors = rng.integers(self.anonymous_pool, size=n).tolist()
        registered, n_registered = self.registered, self.n_registered
        recent = max(1, n_registered // 12)
        for i in range(n):
            channel = CHANNEL_CODES[channel_of[i]]
            draws, second, load_ms = u[i], seconds[i], load[i]
            customer_id = visitor = None
            if n_registered and draws[0] < 0.3:
                # Logged-in visits: recent customers come back more often than old ones.
                span = recent if draws[1] < 0.5 else n_registered
                customer_id = self.customer_id(
                    int(registered[n_registered - 1 - int(draws[2] * span)])
                )
            else:
                visitor = f"A{visitors[i]:0{self.w}d}"
            campaign = self.campaign_for(channel, day)
            campaign_id = campaign.campaign_id if campaign and draws[3] < 0.8 else None
            landing = self._landing_page(campaign_id, draws[4], draws[5], landing_product[i])
            session_id = self._new_session(
                rows,
                day,
                second,
                channel,
                customer_id,
                visitor,
                campaign_id,
                self._device_names[devices[i]],
                landing,
                load_ms,
                None if draws[6] < 0.01 else False,
            )
            t = second
            if IS_PAID[channel_of[i]]:
                t = self._ad_events(rows, session_id, day, t, gaps[i][0] // 4 + 1)
            dwell_ms = _dwell(landing, dwell[i][0])
            self._event(rows, session_id, day, t, "page_view", landing, None, dwell_ms)
            # Slow landing pages lose visitors.
            if draws[7] < 0.40 + (0.26 if load_ms > 3000 else 0.0):
                continue
            if draws[8] < 0.08 and landing != "/":
                t += gaps[i][1]
                dwell_ms = _dwell("/", dwell[i][1])
                self._event(rows, session_id, day, t, "page_view", "/", None, dwell_ms)
            products = viewed[i][:1] if draws[9] < 0.78 else viewed[i]
            for number, index in enumerate(products):
                product_id = self.products[index].product_id
                t += gaps[i][2 + number]
                page = f"/p/{product_id}"
                dwell_ms = _dwell(page, dwell[i][2 + number])
                self._event(rows, session_id, day, t, "product_view", page, product_id, dwell_ms)
            carted = draws[10] < 0.26
            if carted:
                product_id = self.products[products[0]].product_id
                page = f"/p/{product_id}"
                for _ in range(2 if draws[11] < 0.1 else 1):
                    t += gaps[i][4]
                    self._event(rows, session_id, day, t, "add_to_cart", page, product_id, None)
            if (carted and draws[12] < 0.36) or (not carted and draws[12] < 0.01):
                t += gaps[i][5] + 20
                self._event(rows, session_id, day, t, "checkout", "/checkout", None, None)
                if customer_id is not None and draws[13] < 0.6:
                    self._unpaid_order(rows, day, t, customer_id, session_id, channel, products[0])

    def _bot_sessions(self, rows: DayRows, day: int, human_sessions: int) -> None:
        """Click-fraud visits on paid ads: many page views within a second, no dwell."""
        rng = self.rng_sessions
        n = int(rng.poisson(human_sessions * catalog.BOT_SHARE / (1 - catalog.BOT_SHARE)))
        paid = catalog.PAID_CHANNELS
        for second in self.random_seconds(rng, day, n).tolist():
            u = rng.random(6).tolist()
            channel = paid[int(u[0] * len(paid))]
            campaign = self.campaign_for(channel, day)
            campaign_id = campaign.campaign_id if campaign and u[1] < 0.8 else None
            session_id = self._new_session(
                rows,
                day,
                second,
                channel,
                None,
                f"A{int(u[2] * self.anonymous_pool):0{self.w}d}",
                campaign_id,
                "android",
                "/",
                int(200 + u[3] * 700),
                True if u[4] < catalog.BOT_FLAGGED_SHARE else None,
            )
            self._ad_events(rows, session_id, day, second, 0)
            for step in range(4 + int(u[5] * 2)):
                page = "/" if step == 0 else f"/c/{catalog.CATEGORIES[step].code}"
                self._event(
                    rows,
                    session_id,
                    day,
                    second + step // 3,
                    "page_view",
                    page,
                    None,
                    0,
                )

    def _unpaid_order(self, rows, day, second, customer_id, session_id, channel, index):
        """An order created at a checkout that was never paid (cancelled by the end)."""
        order_id = self.next_id("O", self.w)
        product = self.products[index]
        rows.add("order_items", (order_id, 1, product.product_id, 1, product.price_cents, 0))
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
                0 if product.price_cents >= 9900 else 1000,
                None,
                None,
            ),
        )

    # ------------------------------------------------------------------ spend, stock, budgets
    def _ad_spend_rows(self, day: int) -> list[tuple]:
        """Daily ad spend per paid channel and campaign, from that day's tracked clicks."""
        rng = self.rng_spend
        out = []
        month = self.day_text[day][:7] + "-01"
        expensive_channel, expensive_month, expensive_factor = catalog.EXPENSIVE_MONTH
        for (channel, campaign_id), count in sorted(self._visits.items()):
            info = CHANNELS[channel]
            u = rng.random(3).tolist()
            clicks = max(1, int(round(count * info.clicks_per_session * (0.95 + 0.1 * u[0]))))
            impressions = int(round(clicks / (info.ctr * (0.9 + 0.2 * u[1]))))
            cpc = info.cpc
            if campaign_id and self.campaign_for(channel, day).phase(day) == "burst":
                cpc *= 1.2
            if channel == expensive_channel and self.dates[day].month == expensive_month:
                cpc *= expensive_factor
            spend = int(round(clicks * cpc * 100 * (0.92 + 0.16 * u[2])))
            out.append(
                (
                    self.day_text[day],
                    channel,
                    campaign_id or None,
                    impressions,
                    clicks,
                    spend,
                )
            )
            key = (month, channel)
            self.spend_by_month[key] = self.spend_by_month.get(key, 0) + spend
            if campaign_id:
                self.spend_by_campaign[campaign_id] = (
                    self.spend_by_campaign.get(campaign_id, 0) + spend
                )
        return out

    def _inventory_day(self, rows: DayRows, day: int, units_sold: np.ndarray) -> None:
        """End-of-day stock per product; reorders land after a lead time of days."""
        rng = self.rng_stock
        stock = self.stock
        arriving = stock["pending_day"] == day
        stock["on_hand"][arriving] += stock["pending_qty"][arriving]
        stock["pending_qty"][arriving] = 0
        stock["pending_day"][arriving] = -1
        stock["on_hand"] = np.maximum(stock["on_hand"] - units_sold, 0)
        self.sales_history = [*self.sales_history[-27:], units_sold]
        recent = np.mean(self.sales_history, axis=0)
        # Reorder when stock falls to the safety level or to four days of expected sales; the
        # buyers plan ahead for the traffic of a coming campaign.
        ahead = self.lift[day : day + 14].max() / self.lift[max(day - 27, 0) : day + 1].mean()
        expected = recent * max(ahead, 1.0)
        reorder_point = np.maximum(stock["safety"], np.ceil(expected * 4))
        reorder = (stock["on_hand"] <= reorder_point) & (stock["pending_day"] < 0)
        for index in np.nonzero(reorder)[0].tolist():
            quantity = max(expected[index], 0.3) * rng.uniform(25, 45)
            stock["pending_qty"][index] = np.ceil(quantity)
            stock["pending_day"][index] = day + int(rng.integers(3, 12))
        on_hand = stock["on_hand"].astype(np.int64).tolist()
        safety = stock["safety"].astype(np.int64).tolist()
        date = self.day_text[day]
        for index, product in enumerate(self.products):
            rows.add(
                "inventory_snapshots",
                (date, product.product_id, on_hand[index], safety[index]),
            )

    def _closing_rows(self) -> DayRows:
        """Campaigns (budgets set around their spend) and monthly channel budgets."""
        rng = self.rng_spend
        rows = DayRows()
        size = self.scale.new_buyers_per_day / 5.3
        for c in self.campaigns:
            spent = self.spend_by_campaign.get(c.campaign_id, 0)
            if spent:
                budget = int(spent * rng.uniform(1.0, 1.3) / 10_000 + 1) * 10_000
            else:  # referral rewards of a social-fission campaign, not ad spend
                budget = int(rng.uniform(1_000, 3_000) * size + 1) * 100
            rows.add(
                "campaigns",
                (
                    c.campaign_id,
                    c.name,
                    c.channel,
                    c.campaign_type,
                    self.ts(c.warmup, 0),
                    self.ts(c.burst, 0),
                    self.ts(c.tail, 0),
                    self.ts(c.end, 0),
                    budget,
                ),
            )
        last_november = max(
            (m for m, _ in self.spend_by_month if m.endswith("-11-01")), default=None
        )
        for (month, channel), spend in sorted(self.spend_by_month.items()):
            if month == last_november and channel == "douyin_ads":
                budget = int(spend / 1.18 / 10_000) * 10_000  # Douyin overspent this month
            else:
                budget = int(spend * rng.uniform(1.0, 1.15) / 10_000 + 1) * 10_000
            rows.add(
                "marketing_budgets",
                (
                    month,
                    channel,
                    max(budget, 10_000),
                    channel in ("douyin_ads", "search_ads"),
                ),
            )
        return rows
