"""Ad spend and the budgets planned before it.

Paid channels bill for the clicks behind each tracked visit (bots' clicks too) at the
channel's cost per click: dearer in a promotion's burst and when a story's bidding war runs.
Budgets are planned *before* the money is spent: each month's channel budgets on its first
day, from the same month a year earlier grown by the plan (or, in the first year, from the
month before scaled by the campaign calendar the planners know), with the planner's own
judgement; each campaign's budget when its warm-up starts. Over- and under-spend are real.
"""

from __future__ import annotations

import numpy as np

from shopkpi.generator import behaviour as b
from shopkpi.generator.catalog import CHANNELS, PAID_CHANNELS, Scale
from shopkpi.generator.rows import Clock, DayRows, Draws
from shopkpi.generator.stories import Stories
from shopkpi.generator.timeline import Calendar, Campaign


class Marketing:
    """Counts paid visits, writes daily ad spend and plans budgets."""

    def __init__(
        self,
        scale: Scale,
        calendar: Calendar,
        clock: Clock,
        stories: Stories,
        rng: np.random.Generator,
    ) -> None:
        self.scale = scale
        self.calendar = calendar
        self.clock = clock
        self.stories = stories
        self.draws = Draws(rng)
        self.visits: dict[tuple[str, str], int] = {}
        self.spend_by_day: dict[str, list[int]] = {c: [] for c in PAID_CHANNELS}
        self.spend_by_month: dict[tuple[str, str], int] = {}
        self.campaign_budgets: dict[str, int] = {}
        total = sum(b.ACQUISITION_WEIGHTS.values())
        self._acquisition_share = {c: w / total for c, w in b.ACQUISITION_WEIGHTS.items()}

    def paid_visit(self, channel: str, campaign_id: str | None) -> None:
        if CHANNELS[channel].is_paid:
            key = (channel, campaign_id or "")
            self.visits[key] = self.visits.get(key, 0) + 1

    def _round(self, cents: float) -> int:
        return max(int(round(cents / b.BUDGET_ROUNDING_CENTS)) * b.BUDGET_ROUNDING_CENTS, 10_000)

    # ------------------------------------------------------------------ planning
    def start_day(self, rows: DayRows, day: int) -> None:
        """On a month's first day, plan its channel budgets; plan campaigns starting today."""
        date = self.calendar.dates[day]
        if day == 0 or date.day == 1:
            month = date.replace(day=1).isoformat()
            for channel in sorted(PAID_CHANNELS):
                budget = self._round(self._forecast(channel, day) * self._judgement())
                rows.add("marketing_budgets", (month, channel, budget, channel in b.CORE_CHANNELS))
        for campaign in self.calendar.campaigns:
            if max(campaign.warmup, 0) == day:
                self.campaign_budgets[campaign.campaign_id] = self._campaign_budget(campaign, day)

    def _judgement(self) -> float:
        return self.draws.between(*b.PLANNING_JUDGEMENT)

    def _month_days(self, day: int) -> range:
        date = self.calendar.dates[day]
        first = day - (date.day - 1)
        last = first
        while last < self.calendar.days and self.calendar.dates[last].month == date.month:
            last += 1
        return range(first, last)

    def _cost_weight(self, channel: str, days) -> float:
        """The demand of some days weighted by what the channel's clicks cost and how much
        traffic it gets on them: the planners know the campaign calendar (a promotion bids
        clicks up and leans on Douyin; a live stream fills its channel for a night)."""
        total = 0.0
        for day in days:
            weight = self.calendar.demand[day]
            campaign = self.calendar.campaign_for(channel, day)
            phase = campaign.phase(day) if campaign is not None else None
            if phase == "burst":
                weight *= b.BURST_CPC
            weight *= self.calendar.channel_lift(channel, day)
            if (
                campaign is not None
                and campaign.campaign_type == "live_stream"
                and phase == "burst"
            ):
                # the stream's own crowd, in units of the channel's ordinary demand
                weight += b.LIVE_STREAM_VIEWERS / self._acquisition_share[channel]
            total += weight
        return total

    def _ordinary_days(self, channel: str, day: int) -> list[int]:
        """The last days before ``day`` with no campaign on the channel and no promotion:
        the days whose cost per unit of demand the planners trust."""
        days = []
        for past in range(day - 1, max(day - 120, -1), -1):
            if self.calendar.stage(past) is None and not self.calendar.campaign_for(channel, past):
                days.append(past)
                if len(days) == b.PLANNING_WINDOW_DAYS:
                    break
        return days

    def _forecast(self, channel: str, day: int) -> float:
        """Spend the planners expect from a channel this month (cents): the cost per unit of
        demand on recent ordinary days, times this month's demand weighted by the calendar."""
        recent = self._ordinary_days(channel, day)
        if len(recent) < b.PLANNING_WINDOW_DAYS // 2:
            return b.OPENING_BUDGETS[channel] * 100 * self.scale.size
        history = self.spend_by_day[channel]
        per_unit = sum(history[d] for d in recent) / self._cost_weight(channel, recent)
        return per_unit * self._cost_weight(channel, self._month_days(day))

    def _campaign_budget(self, campaign: Campaign, day: int) -> int:
        if not CHANNELS[campaign.channel].is_paid:
            return self._round(self.draws.between(*b.FISSION_REWARDS) * 100 * self.scale.size)
        history = self.spend_by_day[campaign.channel]
        demand = self.calendar.demand
        days = list(range(max(campaign.warmup, 0), min(campaign.end, self.calendar.days)))
        if day >= 14:
            recent = list(range(day - 14, day))
            per_demand = sum(history[d] for d in recent) / demand[recent].sum()
        else:
            per_demand = b.OPENING_BUDGETS[campaign.channel] * 100 * self.scale.size / 30
        # The campaign's share of its channel's spend on those days (most paid visits then
        # carry the campaign).
        return self._round(per_demand * demand[days].sum() * 0.8 * self._judgement())

    # ------------------------------------------------------------------ spend
    def end_day(self, rows: DayRows, day: int) -> None:
        """Daily spend per paid channel and campaign, from the day's tracked clicks."""
        date = self.calendar.dates[day]
        month = date.replace(day=1).isoformat()
        spent = dict.fromkeys(PAID_CHANNELS, 0)
        for (channel, campaign_id), count in sorted(self.visits.items()):
            info = CHANNELS[channel]
            d = self.draws
            clicks = max(1, int(round(count * info.clicks_per_visit * d.between(0.93, 1.07))))
            impressions = int(round(clicks / (info.ctr * d.between(0.85, 1.15))))
            cpc = info.cpc * self.stories.cpc_factor(channel, date)
            campaign = self.calendar.campaign_for(channel, day) if campaign_id else None
            if campaign is not None and campaign.phase(day) == "burst":
                cpc *= b.BURST_CPC
            spend = int(round(clicks * cpc * 100 * d.between(0.9, 1.1)))
            rows.add("ad_spend", (self.clock.day_text[day], channel, campaign_id or None,
                                  impressions, clicks, spend))  # fmt: skip
            spent[channel] += spend
            self.spend_by_month[(month, channel)] = (
                self.spend_by_month.get((month, channel), 0) + spend
            )
        for channel, amount in spent.items():
            self.spend_by_day[channel].append(amount)
        self.visits = {}

    def campaign_rows(self) -> list[tuple]:
        """Every campaign with the budget planned for it."""
        rows = []
        for c in self.calendar.campaigns:
            budget = self.campaign_budgets.get(c.campaign_id)
            if budget is None:  # started before the period: planned like the first month
                budget = self._round(
                    b.OPENING_BUDGETS.get(c.channel, 2_000) * 100 * self.scale.size
                )
            rows.append(
                (c.campaign_id, c.name, c.channel, c.campaign_type,
                 self.clock.text(c.warmup * 86_400), self.clock.text(c.burst * 86_400),
                 self.clock.text(c.tail * 86_400), self.clock.text(c.end * 86_400), budget)
            )  # fmt: skip
        return rows
