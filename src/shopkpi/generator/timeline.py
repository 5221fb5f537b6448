"""When things happen: the campaign calendar, each day's demand and each hour's share.

The shop's year follows China's e-commerce calendar:

* **618, Double 11 and Double 12** are shop-wide promotions on every paid channel. In the
  warm-up shoppers browse, add to cart and place pre-sale deposits; the burst opens with a
  first payment wave; the big day itself opens at midnight, when deposits' balances fall due
  and carts are paid; the tail is quieter and the days after it are a slump (wallets empty,
  demand pulled forward).
* **Live streams** (达人直播) are one-channel specials on ``kol_live`` whose visits crowd into
  the evening hours of the stream.
* **Social fission** (拼团裂变) runs through July on ``social_fission``.
* **Chinese New Year**: traffic dips and couriers stop for about a week (see ``orders``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from shopkpi.generator import behaviour as b
from shopkpi.generator.catalog import Scale
from shopkpi.generator.rows import cumulative

# Chinese New Year's day (正月初一) in the years a scale can cover.
CHINESE_NEW_YEAR = {
    2023: dt.date(2023, 1, 22),
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
}
# Couriers stop from a few days before New Year's Eve until the Lantern-festival week.
LOGISTICS_PAUSE = (-4, 7)  # days relative to New Year's day, end exclusive
# Traffic over the New Year holiday: people travel home and shop less.
NEW_YEAR_DEMAND = 0.65

# Demand multipliers of a shop-wide promotion's days (on new visitors and on how often known
# visitors come back): warm-up, the burst's first day (the first payment wave), the burst's
# other days, the big day, the tail and the slump of ten days after it. Double 11 is the
# biggest; sources: Alibaba's and JD's public GMV reports put the big day at well over ten
# ordinary days for brands that take part.
PROMOTION_SHAPE = {
    # warm-up, first day, burst, big day, tail, slump
    "618": (1.25, 2.4, 1.45, 4.6, 1.3, 0.65),
    "雙11": (1.35, 3.0, 1.6, 13.5, 1.35, 0.6),
    "雙12": (1.15, 1.6, 1.3, 2.8, 1.15, 0.85),
}
SLUMP_DAYS = 10

# How each promotion's buyers behave: share of warm-up buyers who place a pre-sale deposit
# (and pay the balance on the big day) rather than wait.
PRESALE_SHARE = {"618": 0.55, "雙11": 0.7, "雙12": 0.3}

# Weekday demand (Monday .. Sunday): more visitors at the weekend, many of them casual.
WEEKDAY_DEMAND = (1.0, 0.97, 0.98, 1.0, 1.06, 1.4, 1.32)
# Yearly growth of the shop's traffic (the plans' target: users +25% a year).
YEARLY_GROWTH = 0.25

# Share of an ordinary day's visits starting in each hour (shop time).
HOUR_WEIGHTS = (
    0.8, 0.4, 0.2, 0.1, 0.1, 0.2, 0.5, 1.2, 2.0, 3.0, 3.8, 4.2,
    4.4, 4.0, 3.6, 3.4, 3.6, 4.0, 4.6, 5.4, 6.6, 7.4, 6.0, 2.6,
)  # fmt: skip
# The big day of a promotion: the midnight opening (balances and carts paid at once), then
# an evening second wave before the day closes.
BIG_DAY_HOUR_WEIGHTS = (
    22.0, 9.0, 3.0, 0.8, 0.4, 0.4, 0.8, 1.5, 2.4, 3.2, 3.8, 4.0,
    4.2, 3.8, 3.4, 3.2, 3.4, 3.8, 4.4, 5.2, 7.5, 9.0, 8.0, 6.0,
)  # fmt: skip
# A live stream's visits: the stream runs 19:30 - 23:30.
LIVE_HOUR_WEIGHTS = (
    0.3, 0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6,
    0.6, 0.6, 0.5, 0.5, 0.5, 0.6, 0.9, 4.0, 12.0, 14.0, 11.0, 5.0,
)  # fmt: skip


@dataclass(frozen=True)
class Campaign:
    campaign_id: str
    name: str
    channel: str
    campaign_type: str
    label: str  # the promotion or programme it belongs to (618, 雙11, 達人直播, ...)
    warmup: int  # day index of the warm-up start
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

    @property
    def big_day(self) -> int:
        """The last day of the burst: 6.18, 11.11, 12.12, or a live stream's night."""
        return self.tail - 1


PAID_SHORT_NAMES = {
    "douyin_ads": "抖音",
    "xiaohongshu_ads": "小紅書",
    "wechat_ads": "微信",
    "search_ads": "搜索",
    "kol_live": "KOL直播",
}


def make_campaigns(scale: Scale) -> list[Campaign]:
    """Every campaign that overlaps the scale's days, numbered in calendar order."""
    start = scale.start
    last = start + dt.timedelta(days=scale.days - 1)
    planned: list[tuple] = []
    for year in range(start.year, last.year + 1):
        D = dt.date  # noqa: N806
        promotions = (
            ("618", (D(year, 5, 20), D(year, 6, 1), D(year, 6, 19), D(year, 6, 21))),
            ("雙11", (D(year, 10, 20), D(year, 11, 1), D(year, 11, 12), D(year, 11, 15))),
            ("雙12", (D(year, 12, 1), D(year, 12, 8), D(year, 12, 13), D(year, 12, 16))),
        )
        for label, dates in promotions:
            for channel, short in PAID_SHORT_NAMES.items():
                planned.append((f"{year} {label} {short}", channel, "promotion", label, dates))
        for month, day in ((3, 8), (8, 18), (9, 20)):
            warm = D(year, month, day)
            dates = tuple(warm + dt.timedelta(days=n) for n in (0, 3, 4, 6))
            name = f"{year} 達人直播 {month}月"
            planned.append((name, "kol_live", "live_stream", "達人直播", dates))
        dates = (D(year, 7, 1), D(year, 7, 8), D(year, 7, 22), D(year, 8, 1))
        planned.append((f"{year} 拼團裂變", "social_fission", "social_fission", "拼團裂變", dates))
    planned.sort(key=lambda p: (p[4][0], p[0]))
    campaigns = []
    for name, channel, campaign_type, label, dates in planned:
        warmup, burst, tail, end = ((d - start).days for d in dates)
        if end <= 0 or warmup >= scale.days:
            continue
        campaign_id = f"K{len(campaigns) + 1:04d}"
        shop_wide = campaign_type == "promotion"
        campaigns.append(
            Campaign(campaign_id, name, channel, campaign_type, label, warmup, burst, tail, end,
                     shop_wide)
        )  # fmt: skip
    return campaigns


class Calendar:
    """Per-day demand, phases and hour curves of one scale's period."""

    def __init__(self, scale: Scale) -> None:
        self.scale = scale
        self.days = scale.days
        self.dates = [scale.start + dt.timedelta(days=d) for d in range(self.days)]
        self.campaigns = make_campaigns(scale)
        self._on: dict[tuple[str, int], Campaign] = {}
        for campaign in self.campaigns:
            for day in range(max(campaign.warmup, 0), min(campaign.end, self.days)):
                self._on.setdefault((campaign.channel, day), campaign)
        self.promotion = [self._promotion(day) for day in range(self.days)]
        self.demand = np.array([self._demand(day) for day in range(self.days)])
        # Cumulative demand: waits between visits are measured in demand-days, so people come
        # back more often when the shop is busy (pushes, ads and word of mouth).
        self.cumulative = np.concatenate([[0.0], np.cumsum(self.demand)])
        self.hour_cumulative = cumulative(HOUR_WEIGHTS)
        self.big_day_hour_cumulative = cumulative(BIG_DAY_HOUR_WEIGHTS)
        self.live_hour_cumulative = cumulative(LIVE_HOUR_WEIGHTS)

    def _promotion(self, day: int) -> tuple[Campaign, str] | None:
        """The shop-wide promotion on a day and its stage: warmup, first, burst, big, tail,
        slump (the days after the tail)."""
        for campaign in self.campaigns:
            if not campaign.shop_wide:
                continue
            if campaign.warmup <= day < campaign.burst:
                return campaign, "warmup"
            if day == campaign.burst:
                return campaign, "first"
            if day == campaign.big_day:
                return campaign, "big"
            if campaign.burst < day < campaign.tail:
                return campaign, "burst"
            if campaign.tail <= day < campaign.end:
                return campaign, "tail"
        for campaign in self.campaigns:
            if campaign.shop_wide and campaign.end <= day < campaign.end + SLUMP_DAYS:
                return campaign, "slump"
        return None

    def stage(self, day: int) -> str | None:
        """The promotion stage of simulated day ``day``; None after the last simulated day
        (an order placed late on the last day can be paid after midnight)."""
        if not 0 <= day < len(self.promotion):
            return None
        promotion = self.promotion[day]
        return promotion[1] if promotion else None

    def _demand(self, day: int) -> float:
        date = self.dates[day]
        growth = (1.0 + YEARLY_GROWTH) ** (day / 365.0)
        demand = WEEKDAY_DEMAND[date.weekday()] * growth
        promotion = self.promotion[day]
        if promotion:
            campaign, stage = promotion
            index = ("warmup", "first", "burst", "big", "tail", "slump").index(stage)
            demand *= PROMOTION_SHAPE[campaign.label][index]
        new_year = CHINESE_NEW_YEAR.get(date.year)
        if new_year and -3 <= (date - new_year).days < 6:
            demand *= NEW_YEAR_DEMAND
        return demand

    def campaign_for(self, channel: str, day: int) -> Campaign | None:
        return self._on.get((channel, day))

    def channel_lift(self, channel: str, day: int) -> float:
        """How much a campaign lifts a channel's share of the day's new visitors: its own
        campaign (a live stream, a fission drive) by phase, or a shop-wide promotion from its
        first day of sales."""
        campaign = self.campaign_for(channel, day)
        if campaign is not None and not campaign.shop_wide:
            return b.OWN_CAMPAIGN_LIFT[campaign.campaign_type][campaign.phase(day)]
        if self.stage(day) not in (None, "warmup", "slump"):
            return b.PROMOTION_CHANNEL_LIFT.get(channel, 1.0)
        return 1.0

    def live_stream_on(self, day: int) -> Campaign | None:
        """A live stream broadcasting on a day (its burst)."""
        campaign = self._on.get(("kol_live", day))
        if campaign and campaign.campaign_type == "live_stream" and campaign.phase(day) == "burst":
            return campaign
        return None

    def hour_curve(self, day: int, live: bool = False) -> np.ndarray:
        if live:
            return self.live_hour_cumulative
        if self.stage(day) == "big":
            return self.big_day_hour_cumulative
        return self.hour_cumulative

    def logistics_paused_until(self, date: dt.date) -> dt.date | None:
        """The day couriers resume when ``date`` falls in a New Year pause, else None."""
        for year in (date.year, date.year + 1):
            new_year = CHINESE_NEW_YEAR.get(year)
            if new_year is None:
                continue
            offset = (date - new_year).days
            if LOGISTICS_PAUSE[0] <= offset < LOGISTICS_PAUSE[1]:
                return new_year + dt.timedelta(days=LOGISTICS_PAUSE[1])
        return None

    def demand_days_to_day(self, start_day: int, wait: float) -> int:
        """The day reached ``wait`` demand-days after the end of ``start_day``."""
        target = self.cumulative[min(start_day + 1, self.days)] + wait
        return int(np.searchsorted(self.cumulative, target)) - 1
