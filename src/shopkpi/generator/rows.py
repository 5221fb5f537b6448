"""What every part of the simulation shares: a day's rows, ids, shop-time text, draws."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field

import numpy as np

SECONDS_PER_DAY = 86_400


@dataclass
class DayRows:
    """Rows of every table produced for one simulated day (or the closing rows)."""

    tables: dict[str, list[tuple]] = field(default_factory=dict)

    def add(self, table: str, row: tuple) -> None:
        self.tables.setdefault(table, []).append(row)


class Ids:
    """Sequential ids per prefix, zero-padded to a width: ``O000123``.

    A shard of a sharded simulation numbers its ids in its own block of each prefix's range
    (``blocks`` maps a prefix to the block size): shard ``k`` hands out ``k * size + 1``,
    ``k * size + 2``, ... so the shards' ids never collide and keep the contract's width.
    """

    def __init__(self, blocks: dict[str, int] | None = None, shard: int = 0) -> None:
        self._counters: dict[str, int] = {}
        self._blocks = blocks or {}
        self._shard = shard

    def next_number(self, prefix: str) -> int:
        n = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = n
        size = self._blocks.get(prefix)
        if size is None:
            return n
        if n >= size:
            raise OverflowError(f"shard {self._shard} used its {size - 1} ids of {prefix!r}")
        return self._shard * size + n

    def next(self, prefix: str, width: int) -> str:
        n = self.next_number(prefix)
        if n >= 10**width:
            raise OverflowError(f"more than {10**width - 1} ids with prefix {prefix!r}")
        return prefix + str(n).zfill(width)


# "HH:MM:SS" of every second of a day, looked up rather than formatted (a hot path).
_TIMES_OF_DAY = tuple(
    f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)
)


class Clock:
    """Shop-time text (Asia/Shanghai, +08:00) for seconds counted from the first day."""

    def __init__(self, start: dt.date, days: int) -> None:
        self.start = start
        self.days = days
        self.day_text = [(start + dt.timedelta(days=d)).isoformat() for d in range(days)]
        self.end = days * SECONDS_PER_DAY  # the first second after the period

    def date(self, day: int) -> dt.date:
        return self.start + dt.timedelta(days=day)

    def text(self, at: int) -> str:
        """ISO-8601 text of an absolute second (seconds since the first day's midnight)."""
        day, second = divmod(int(at), SECONDS_PER_DAY)
        date = self.day_text[day] if 0 <= day < self.days else self.date(day).isoformat()
        return f"{date}T{_TIMES_OF_DAY[second]}+08:00"


class Draws:
    """Uniform draws handed out one at a time from blocks (fast and reproducible)."""

    BLOCK = 1 << 16

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._block: list[float] = []

    def u(self) -> float:
        if not self._block:
            self._block = self.rng.random(self.BLOCK).tolist()
            self._block.reverse()
        return self._block.pop()

    def index(self, cumulative: np.ndarray | list[float]) -> int:
        """An index drawn from a cumulative distribution."""
        return min(bisect.bisect_right(cumulative, self.u()), len(cumulative) - 1)

    def between(self, low: float, high: float) -> float:
        return low + (high - low) * self.u()

    def exponential(self, mean: float) -> float:
        return -mean * float(np.log(1.0 - self.u()))


def cumulative(weights) -> list[float]:
    weights = np.asarray(weights, dtype=float)
    return np.cumsum(weights / weights.sum()).tolist()


def weighted_names(pairs) -> tuple[list[str], list[float]]:
    """Names and the cumulative distribution of (name, weight) pairs or a {name: weight}."""
    items = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
    return [name for name, _ in items], cumulative([w for _, w in items])
