"""The product catalogue and its stock: what sells, what runs out, when restock lands.

Stock is counted through the day: a sale takes units from the shelf, and a shopper who wants
a product with none left leaves without it (a lost sale; they may come back). At the end of
each day the buyers reorder what is low, planning for the demand of the coming fortnight
(they know the campaign calendar), and the supplier delivers after a lead time. A recall
(a planted story) sends stock back to the supplier and holds its deliveries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from shopkpi.generator import behaviour as b
from shopkpi.generator import catalog
from shopkpi.generator.catalog import Scale
from shopkpi.generator.rows import DayRows
from shopkpi.generator.stories import Stories
from shopkpi.generator.timeline import Calendar


@dataclass
class Product:
    product_id: str
    sku: str
    name: str
    category: catalog.Category
    price_cents: int
    cost_cents: int
    launched_at: str
    launch_day: int
    popularity: float


def make_products(rng: np.random.Generator, scale: Scale) -> list[Product]:
    """Ten products per category: log-uniform prices ending like shop prices, Zipf demand."""
    products = []
    popularity = rng.zipf(b.POPULARITY_ZIPF, size=60).clip(1, 40).astype(float)
    endings = [e for e, _ in catalog.PRICE_ENDINGS]
    ending_p = np.array([w for _, w in catalog.PRICE_ENDINGS])
    index = 0
    for category in catalog.CATEGORIES:
        low, high = category.price_range
        for name in category.products:
            index += 1
            whole = int(round(np.exp(rng.uniform(np.log(low), np.log(high)))))
            price = whole * 100 + int(endings[rng.choice(len(endings), p=ending_p)])
            price = max(price, 2_890)
            cost = int(price * rng.uniform(*category.cost_ratio))
            if rng.random() < b.LAUNCHED_BEFORE:
                launch_day = -int(rng.integers(30, 500))
            else:
                launch_day = int(rng.integers(0, scale.days - 60))
            launched = scale.start + dt.timedelta(days=launch_day)
            products.append(
                Product(
                    product_id=f"P{index:04d}",
                    sku=f"SKU-{category.code[:3].upper()}-{index:04d}",
                    name=name,
                    category=category,
                    price_cents=price,
                    cost_cents=cost,
                    launched_at=f"{launched.isoformat()}T10:00:00+08:00",
                    launch_day=launch_day,
                    popularity=float(popularity[index - 1]),
                )
            )
    return products


class Inventory:
    """On-hand stock per product through the day, reorders and deliveries."""

    def __init__(
        self,
        products: list[Product],
        scale: Scale,
        calendar: Calendar,
        stories: Stories,
        rng: np.random.Generator,
    ) -> None:
        self.products = products
        self.calendar = calendar
        self.stories = stories
        self.rng = rng
        n = len(products)
        share = np.array([p.popularity for p in products])
        share /= share.sum()
        self.expected = b.UNITS_PER_VISITOR * scale.new_visitors_per_day * share
        self.on_hand = np.ceil(self.expected * rng.uniform(*b.OPENING_STOCK_DAYS, n)) + 3
        self.safety = np.ceil(self.expected * rng.uniform(*b.SAFETY_STOCK_DAYS, n)) + 2
        self.pending_qty = np.zeros(n)
        self.pending_day = np.full(n, -1)
        self.sold_today = np.zeros(n)
        self.history: list[np.ndarray] = []

    def start_day(self, day: int) -> None:
        """Deliveries due today land before the shop opens (unless the supplier holds them)."""
        date = self.calendar.dates[day]
        for index, product in enumerate(self.products):
            kept = self.stories.stock_kept(product.product_id, date)
            if kept is not None:  # a recall: the rest goes back to the supplier
                self.on_hand[index] = min(self.on_hand[index], np.ceil(kept * self.expected[index]))
        for index in np.nonzero(self.pending_day == day)[0].tolist():
            held_until = self.stories.deliveries_held(self.products[index].product_id, date)
            if held_until is not None:
                self.pending_day[index] = (held_until - self.calendar.scale.start).days
                continue
            self.on_hand[index] += self.pending_qty[index]
            self.pending_qty[index] = 0
            self.pending_day[index] = -1
        self.sold_today[:] = 0

    def available(self, index: int, day: int) -> bool:
        return self.on_hand[index] >= 1 and self.products[index].launch_day <= day

    def take(self, index: int, quantity: int) -> int:
        """Take up to ``quantity`` units; return how many there were."""
        taken = int(min(quantity, self.on_hand[index]))
        self.on_hand[index] -= taken
        self.sold_today[index] += taken
        return taken

    def end_day(self, rows: DayRows, day: int) -> None:
        """Reorder what is low and write the day's closing stock."""
        self.history = [*self.history[-27:], self.sold_today.copy()]
        recent = np.mean(self.history, axis=0)
        demand = self.calendar.demand
        ahead = demand[day : day + 14].max() / demand[max(day - 27, 0) : day + 1].mean()
        expected = np.maximum(recent, self.expected * 0.3) * max(ahead, 1.0)
        reorder_point = np.maximum(self.safety, np.ceil(expected * b.REORDER_COVER_DAYS))
        reorder = (self.on_hand <= reorder_point) & (self.pending_day < 0)
        for index in np.nonzero(reorder)[0].tolist():
            quantity = expected[index] * self.rng.uniform(*b.ORDER_QUANTITY_DAYS)
            self.pending_qty[index] = np.ceil(quantity)
            self.pending_day[index] = day + int(self.rng.integers(*b.LEAD_TIME_DAYS))
        date = self.calendar.scale.start + dt.timedelta(days=day)
        on_hand = self.on_hand.astype(np.int64).tolist()
        safety = self.safety.astype(np.int64).tolist()
        for index, product in enumerate(self.products):
            if product.launch_day <= day:
                rows.add(
                    "inventory_snapshots",
                    (date.isoformat(), product.product_id, on_hand[index], safety[index]),
                )
