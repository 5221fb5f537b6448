"""Visitors and customers: who arrives, what they are like, and their customer rows.

A person arrives as an anonymous visitor (a device cookie, ``visitor_id``) through an
acquisition channel. Their traits are drawn once: Gen-Z or not (from the channel's
audience), city and its tier, device, need (how likely an engaged visit ends in a purchase),
loyalty (how often they shop once they are a customer), the chance they lapse after a
purchase and the share of their shopping done on Tmall / JD. They register when they first
buy (or claim a new-member coupon); their member tier follows how often they shop.
"""

from __future__ import annotations

from math import erf, sqrt
from statistics import NormalDist

import numpy as np
from scipy.special import gammainc

from shopkpi.generator import behaviour as b
from shopkpi.generator import catalog
from shopkpi.generator.rows import DayRows, Draws, Ids, cumulative, weighted_names

# The member tier a loyalty score falls in: thresholds on the standard normal scale.
_TIER_EDGES = np.cumsum([share for _, share in b.MEMBER_TIER_SHARES])[:-1]


class Person:
    """One visitor, and the customer they may become."""

    __slots__ = (
        "number", "visitor_id", "channel", "gen_z", "birth_year", "gender", "place", "device",
        "need", "loyalty", "lapse", "marketplace_share", "customer_id", "tier", "private",
        "visits", "purchases", "waiting_for", "deposit", "alive",
    )  # fmt: skip

    def __init__(self) -> None:
        self.customer_id: str | None = None
        self.tier = "none"
        self.private = False
        self.visits = 0
        self.purchases = 0
        # The product a shopper carted or could not buy and means to come back for.
        self.waiting_for: int | None = None
        # A pre-sale order whose balance is due: (session id, platform, ordered at, lines).
        self.deposit: tuple | None = None
        self.alive = True

    @property
    def city_tier(self) -> int:
        return self.place[3]


class People:
    """Creates visitors with their traits and registers them as customers."""

    def __init__(self, rng: np.random.Generator, ids: Ids, id_width: int) -> None:
        self.rng = rng
        self.draws = Draws(rng)
        self.ids = ids
        self.width = id_width
        self.count = 0
        self._places = cumulative([p[2] for p in catalog.PLACES])
        self._devices = {gz: cumulative(w) for gz, w in b.DEVICE_WEIGHTS.items()}
        self._genders, self._gender_cumulative = weighted_names(b.GENDER_WEIGHTS)
        # A loyalty score's normal quantiles (for member tiers) need the distribution's CDF.
        self._loyalty_scale = b.LOYALTY_MEAN / b.LOYALTY_SHAPE

    def arrive(self, channel: str, weekend: bool) -> Person:
        """A new anonymous visitor found through ``channel``."""
        d = self.draws
        person = Person()
        self.count += 1
        person.number = self.ids.next_number("A")
        person.visitor_id = f"A{person.number:0{self.width + 1}d}"
        person.channel = channel
        person.gen_z = d.u() < catalog.CHANNELS[channel].gen_z_share
        years = b.GEN_Z_BIRTH_YEARS if person.gen_z else b.OTHER_BIRTH_YEARS
        person.birth_year = (
            None
            if d.u() < b.BIRTH_YEAR_MISSING
            else years[0] + int(d.u() * (years[1] - years[0] + 1))
        )
        person.gender = self._genders[d.index(self._gender_cumulative)]
        person.place = catalog.PLACES[d.index(self._places)]
        person.device = catalog.DEVICES[d.index(self._devices[person.gen_z])]
        need = float(self.rng.beta(*b.NEED_BETA))
        person.need = need * (b.WEEKEND_NEED if weekend else 1.0)
        loyalty = float(self.rng.gamma(b.LOYALTY_SHAPE, self._loyalty_scale))
        loyalty *= b.GEN_Z_LOYALTY if person.gen_z else 1.0
        person.loyalty = loyalty * b.CITY_TIER_LOYALTY[person.city_tier]
        person.lapse = float(self.rng.beta(*b.LAPSE_BETA)) * (
            b.GEN_Z_LAPSE if person.gen_z else 1.0
        )
        person.marketplace_share = float(self.rng.beta(*b.MARKETPLACE_SHARE_BETA))
        return person

    def member_tier(self, person: Person) -> str:
        """The tier a customer holds: earned by shopping, so it follows their loyalty."""
        # The loyalty's rank in its gamma distribution, as a normal score, plus noise.
        rank = _gamma_cdf(person.loyalty / self._loyalty_scale, b.LOYALTY_SHAPE)
        score = _normal_quantile(min(max(rank, 1e-6), 1 - 1e-6))
        score += b.MEMBER_TIER_NOISE * float(self.rng.standard_normal())
        share = _normal_cdf(score / np.sqrt(1 + b.MEMBER_TIER_NOISE**2))
        return b.MEMBER_TIER_SHARES[int(np.searchsorted(_TIER_EDGES, share, side="right"))][0]

    def register(self, rows: DayRows, person: Person, registered_at: str) -> str:
        """Add the person's customer row; return their customer id."""
        number = self.ids.next_number("C")
        person.customer_id = f"C{number:0{self.width}d}"
        person.tier = self.member_tier(person)
        rows.add("customers", self.customer_row(person, registered_at))
        return person.customer_id

    def customer_row(self, person: Person, registered_at: str) -> tuple:
        d = self.draws
        province, city, _, _ = person.place
        picks = self.rng.integers(0, 1_000_000_000, size=5).tolist()
        surname = catalog.SURNAMES[picks[0] % len(catalog.SURNAMES)]
        given = catalog.GIVEN_CHARS[picks[1] % len(catalog.GIVEN_CHARS)]
        if d.u() < 0.6:
            given += catalog.GIVEN_CHARS[picks[2] % len(catalog.GIVEN_CHARS)]
        phone = f"1{(3, 5, 7, 8, 9)[int(d.u() * 5)]}{picks[3]:09d}"
        street = catalog.STREETS[picks[4] % len(catalog.STREETS)]
        address = f"{city}市{street}{picks[4] % 998 + 1}號"
        return (
            person.customer_id,
            registered_at,
            person.birth_year,
            person.gender,
            province,
            city,
            surname + given,
            phone,
            address,
            person.tier,
        )


def _normal_cdf(x: float) -> float:
    return 0.5 * (1.0 + erf(x / sqrt(2.0)))


def _normal_quantile(p: float) -> float:
    return NormalDist().inv_cdf(p)


def _gamma_cdf(x: float, shape: float) -> float:
    return float(gammainc(shape, x))
