"""The planted stories (``stories.yml``) as the behaviour changes the simulation asks for.

Each accessor answers one question the simulation asks on a day ("what does a click on this
channel cost today?") and is neutral (1.0, ``None``, the ordinary value) outside its story's
dates and slice. The tests read the same file to check each story shows in the marts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

STORIES_FILE = Path(__file__).with_name("stories.yml")


@dataclass(frozen=True)
class Story:
    id: str
    what: str
    start: dt.date
    end: dt.date  # inclusive
    slice: dict
    kpi: str
    shows: str
    effect: dict

    def covers(self, date: dt.date) -> bool:
        return self.start <= date <= self.end

    def progress(self, date: dt.date) -> float:
        """0 on the first day, 1 on the last."""
        span = max((self.end - self.start).days, 1)
        return min(max((date - self.start).days / span, 0.0), 1.0)


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@cache
def load_stories(path: Path = STORIES_FILE) -> dict[str, Story]:
    """Every story of the file by id; a malformed story names itself and what is missing."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    stories = {}
    for entry in document["stories"]:
        story_id = entry.get("id", "?")
        missing = [
            k for k in ("id", "what", "when", "slice", "kpi", "shows", "effect") if k not in entry
        ]
        if missing:
            raise ValueError(f"{path.name}: story {story_id!r} has no {', '.join(missing)}")
        stories[story_id] = Story(
            id=story_id,
            what=entry["what"],
            start=_date(entry["when"]["start"]),
            end=_date(entry["when"]["end"]),
            slice=entry["slice"],
            kpi=entry["kpi"],
            shows=entry["shows"],
            effect=entry["effect"],
        )
    return stories


class Stories:
    """The stories' effects, asked day by day."""

    def __init__(self, stories: dict[str, Story] | None = None) -> None:
        self.stories = load_stories() if stories is None else stories

    def _active(self, story_id: str, date: dt.date) -> Story | None:
        story = self.stories.get(story_id)
        return story if story is not None and story.covers(date) else None

    def cpc_factor(self, channel: str, date: dt.date) -> float:
        """What a click costs relative to the channel's ordinary price."""
        factor = 1.0
        decay = self._active("xiaohongshu_roi_decay", date)
        if decay and channel == decay.slice["channel"]:
            factor *= 1.0 + decay.effect["cpc_rise"] * decay.progress(date)
        overspend = self._active("march_overspend", date)
        if overspend and channel in overspend.slice["channels"]:
            factor *= overspend.effect["cpc_factor"]
        return factor

    def intent_factor(
        self, channel: str, campaign_id: str | None, date: dt.date, campaign_names: dict[str, str]
    ) -> float:
        """How much more (or less) a channel's visitors buy than they ordinarily would."""
        factor = 1.0
        decay = self._active("xiaohongshu_roi_decay", date)
        if decay and channel == decay.slice["channel"]:
            # the fall is complete by the share of the story given as full_by
            fallen = min(decay.progress(date) / decay.effect.get("full_by", 1.0), 1.0)
            factor *= 1.0 - decay.effect["intent_fall"] * fallen
        flop = self._active("live_stream_flop", date)
        if (
            flop
            and channel == flop.slice["channel"]
            and campaign_id is not None
            and campaign_names.get(campaign_id) == flop.slice["campaign"]
        ):
            factor *= flop.effect["intent"]
        return factor

    def load_factor(self, page: str, date: dt.date) -> float:
        """How much slower a landing page loads than it ordinarily would."""
        slow = self._active("slow_homepage", date)
        if slow and page == slow.slice["landing_page"]:
            return float(slow.effect["load_factor"])
        return 1.0

    def private_join_rate(self, date: dt.date, ordinary: float) -> float:
        """The share of new buyers who join the private domain."""
        push = self._active("private_domain_push", date)
        return float(push.effect["join_rate"]) if push else ordinary

    def _recall(self, product_id: str) -> Story | None:
        story = self.stories.get("best_seller_stockout_d11")
        if story is None or product_id != story.slice["product_id"]:
            return None
        return story

    def stock_kept(self, product_id: str, date: dt.date) -> float | None:
        """On the day a recall sends the product's stock back to the supplier: the days of
        ordinary sales kept on the shelf; else None."""
        story = self._recall(product_id)
        if story is None or date != _date(story.effect["recalled_on"]):
            return None
        return float(story.effect["keep_days"])

    def deliveries_held(self, product_id: str, date: dt.date) -> dt.date | None:
        """The day a held delivery of the product finally lands, if deliveries due on
        ``date`` are held; else None."""
        story = self._recall(product_id)
        if story is None:
            return None
        if _date(story.effect["recalled_on"]) <= date <= story.end:
            return story.end + dt.timedelta(days=1)
        return None
