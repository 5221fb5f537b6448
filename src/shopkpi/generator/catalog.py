"""What the simulated shop is: its scales, channels, categories, places and names.

The shop sells beauty, apparel, snacks, home, digital and personal-care products on its own
mini-program and site, on Douyin and Xiaohongshu shops and on Tmall / JD. Traffic comes from
paid public-domain channels (Douyin / Xiaohongshu / WeChat / search ads, KOL live streams),
organic channels, private-domain channels (WeCom, community groups, mini-program, official
account) and social fission. How its visitors behave is in ``behaviour``; when its campaigns
run is in ``calendar``. Every number here describes that shop, not a rule of the warehouse.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Scale:
    """How big a simulated shop is; every scale runs the same behaviour model."""

    name: str
    # New visitors on an ordinary weekday at the start (campaigns, weekends and growth lift it).
    new_visitors_per_day: float
    # Digits of customer, order and visitor ids, of session ids and of event ids.
    id_width: int
    session_id_width: int
    event_id_width: int
    start: dt.date = dt.date(2024, 1, 1)
    days: int = 731  # two calendar years: year-on-year and 365-day LTV are defined

    @property
    def size(self) -> float:
        """The scale relative to the demo (budgets and stock grow with it)."""
        return self.new_visitors_per_day / SCALE_DEMO_VISITORS


SCALE_DEMO_VISITORS = 48.0

SCALES: dict[str, Scale] = {
    # ~4,000 customers, ~9,600 paid orders and ~100,000 sessions over 2024-2025.
    "demo": Scale(
        name="demo",
        new_visitors_per_day=SCALE_DEMO_VISITORS,
        id_width=6,
        session_id_width=6,
        event_id_width=7,
    ),
    # ~5x, ~100x and ~1,000x the demo: ~50,000 / ~1 million / ~10 million paid orders.
    "small": Scale(
        name="small", new_visitors_per_day=250.0, id_width=7, session_id_width=7, event_id_width=8
    ),
    "medium": Scale(
        name="medium",
        new_visitors_per_day=4_900.0,
        id_width=8,
        session_id_width=9,
        event_id_width=10,
    ),
    "large": Scale(
        name="large",
        new_visitors_per_day=49_000.0,
        id_width=9,
        session_id_width=10,
        event_id_width=11,
    ),
}


@dataclass(frozen=True, kw_only=True)
class Channel:
    """A traffic channel and how its visitors arrive and behave on landing."""

    code: str
    source: str
    medium: str
    # Where an order placed in this channel's session is taken.
    platform: str
    # Share of first visits that leave after the landing page: how well the channel's
    # audience matches the shop (feeds land browsers, searches land people looking for it).
    bounce: float
    # Buying intent of the channel's visitors relative to the shop's average.
    intent: float
    # Dwell time relative to the shop's average page dwell.
    dwell: float
    # Share of the channel's new visitors who are Gen-Z (born 1995-2010): short-video and
    # lifestyle platforms have young audiences, search and WeChat ads older ones.
    gen_z_share: float
    # Ad economics for paid channels: cost per click (CNY), click-through rate and ad
    # clicks per tracked visit (not every paid click lands as a tracked visit).
    cpc: float = 0.0
    ctr: float = 0.0
    clicks_per_visit: float = 1.0

    @property
    def is_paid(self) -> bool:
        return self.cpc > 0


WX = "wechat_mini_program"

CHANNELS: dict[str, Channel] = {
    c.code: c
    for c in (
        Channel(code="douyin_ads", source="douyin", medium="cpc", platform="douyin",
                bounce=0.52, intent=0.85, dwell=0.75, gen_z_share=0.62,
                cpc=0.92, ctr=0.027, clicks_per_visit=1.35),
        Channel(code="xiaohongshu_ads", source="xiaohongshu", medium="cpc",
                platform="xiaohongshu", bounce=0.44, intent=1.0, dwell=1.05, gen_z_share=0.66,
                cpc=1.2, ctr=0.023, clicks_per_visit=1.35),
        Channel(code="wechat_ads", source="wechat", medium="cpc", platform=WX,
                bounce=0.50, intent=0.8, dwell=0.9, gen_z_share=0.22,
                cpc=0.9, ctr=0.015, clicks_per_visit=1.4),
        Channel(code="search_ads", source="baidu", medium="cpc", platform="own_site",
                bounce=0.31, intent=1.25, dwell=1.0, gen_z_share=0.25,
                cpc=1.85, ctr=0.034, clicks_per_visit=1.25),
        Channel(code="kol_live", source="douyin_live", medium="kol", platform="douyin",
                bounce=0.38, intent=1.15, dwell=0.8, gen_z_share=0.55,
                cpc=1.25, ctr=0.041, clicks_per_visit=1.5),
        Channel(code="organic_search", source="baidu", medium="organic", platform="own_site",
                bounce=0.29, intent=1.15, dwell=1.05, gen_z_share=0.3),
        Channel(code="direct", source="(direct)", medium="(none)", platform="own_site",
                bounce=0.24, intent=1.2, dwell=1.1, gen_z_share=0.33),
        Channel(code="natural_recommendation", source="douyin", medium="recommendation",
                platform="douyin", bounce=0.58, intent=0.8, dwell=0.7, gen_z_share=0.6),
        Channel(code="wecom", source="wecom", medium="private", platform=WX,
                bounce=0.25, intent=0.85, dwell=1.2, gen_z_share=0.35),
        Channel(code="community_group", source="wechat_group", medium="private", platform=WX,
                bounce=0.3, intent=1.0, dwell=0.95, gen_z_share=0.35),
        Channel(code="mini_program", source="wechat", medium="mini_program", platform=WX,
                bounce=0.24, intent=0.95, dwell=1.15, gen_z_share=0.4),
        Channel(code="official_account", source="wechat", medium="article", platform=WX,
                bounce=0.4, intent=1.0, dwell=1.4, gen_z_share=0.25),
        Channel(code="social_fission", source="wechat", medium="referral", platform=WX,
                bounce=0.47, intent=0.95, dwell=0.85, gen_z_share=0.45),
    )
}  # fmt: skip

PAID_CHANNELS = tuple(code for code, c in CHANNELS.items() if c.is_paid)
PRIVATE_CHANNELS = ("wecom", "community_group", "mini_program", "official_account")
MARKETPLACES = (("tmall", 0.65), ("jd", 0.35))


@dataclass(frozen=True, kw_only=True)
class Category:
    code: str
    name_zh: str
    # List prices are drawn log-uniformly in this range (CNY) and unit costs as a share.
    price_range: tuple[int, int]
    cost_ratio: tuple[float, float]
    # Chance a line of this category is returned for a refund. Apparel is returned for size
    # and fit (20-50% is commonly reported for China's online apparel); snacks almost never.
    refund_rate: float
    # What returned lines of this category give as the reason, with weights.
    refund_reasons: tuple[tuple[str, float], ...]
    # How much more (or less) Gen-Z buyers pick this category than others.
    gen_z_affinity: float
    products: tuple[str, ...]


CATEGORIES: tuple[Category, ...] = (
    Category(
        code="beauty", name_zh="美妝", price_range=(59, 499), cost_ratio=(0.35, 0.45),
        refund_rate=0.07, gen_z_affinity=1.5,
        refund_reasons=(("not_as_described", 3), ("quality_issue", 3), ("changed_mind", 3),
                        ("late_delivery", 1)),
        products=("精華液", "面霜", "口紅", "粉底液", "眼影盤", "防曬霜", "卸妝油", "面膜",
                  "香水", "眉筆"),
    ),
    Category(
        code="apparel", name_zh="服飾", price_range=(69, 899), cost_ratio=(0.40, 0.55),
        refund_rate=0.27, gen_z_affinity=1.25,
        refund_reasons=(("wrong_size", 6), ("not_as_described", 2), ("changed_mind", 2),
                        ("quality_issue", 1)),
        products=("衛衣", "牛仔褲", "連衣裙", "羽絨服", "T恤", "運動鞋", "針織衫", "風衣",
                  "帆布包", "棒球帽"),
    ),
    Category(
        code="snacks", name_zh="零食", price_range=(29, 159), cost_ratio=(0.50, 0.65),
        refund_rate=0.015, gen_z_affinity=1.3,
        refund_reasons=(("quality_issue", 4), ("late_delivery", 2), ("changed_mind", 1)),
        products=("堅果禮盒", "牛肉乾", "果乾", "辣條", "餅乾", "巧克力", "花茶", "咖啡豆",
                  "蛋黃酥", "海苔"),
    ),
    Category(
        code="home", name_zh="家居", price_range=(39, 699), cost_ratio=(0.45, 0.60),
        refund_rate=0.06, gen_z_affinity=0.6,
        refund_reasons=(("quality_issue", 3), ("not_as_described", 3), ("changed_mind", 2),
                        ("late_delivery", 1)),
        products=("香薰蠟燭", "收納盒", "四件套", "抱枕", "保溫杯", "餐具套裝", "地墊",
                  "台燈", "掛鐘", "毛巾"),
    ),
    Category(
        code="digital", name_zh="數碼", price_range=(99, 899), cost_ratio=(0.55, 0.65),
        refund_rate=0.08, gen_z_affinity=1.0,
        refund_reasons=(("quality_issue", 5), ("not_as_described", 2), ("changed_mind", 2)),
        products=("藍牙耳機", "充電寶", "數據線", "手機殼", "智能手環", "鍵盤", "鼠標",
                  "音箱", "自拍杆", "U盤"),
    ),
    Category(
        code="personal_care", name_zh="個護", price_range=(29, 299), cost_ratio=(0.40, 0.55),
        refund_rate=0.035, gen_z_affinity=0.7,
        refund_reasons=(("quality_issue", 3), ("changed_mind", 2), ("late_delivery", 1)),
        products=("洗髮水", "沐浴露", "牙膏", "電動牙刷", "身體乳", "護手霜", "剃鬚刀",
                  "洗面奶", "止汗露", "髮膜"),
    ),
)  # fmt: skip

# How list prices end (cents): 99 元, 89.90 元, 129.99 元, 59.80 元. Chinese shops price just
# under a round figure, most often with a 9.
PRICE_ENDINGS = ((-100, 0.35), (-10, 0.35), (-1, 0.15), (-20, 0.15))

# Provinces and cities, with their share of the shop's visitors and the city tier
# (1 = 北上廣深, 2 = new first-tier, 3 = the rest; seeds/reference/city_tiers.csv).
PLACES: tuple[tuple[str, str, float, int], ...] = (
    ("廣東", "廣州", 0.065, 1),
    ("廣東", "深圳", 0.07, 1),
    ("上海", "上海", 0.08, 1),
    ("北京", "北京", 0.075, 1),
    ("浙江", "杭州", 0.06, 2),
    ("浙江", "寧波", 0.025, 2),
    ("江蘇", "南京", 0.04, 2),
    ("江蘇", "蘇州", 0.04, 2),
    ("四川", "成都", 0.055, 2),
    ("湖北", "武漢", 0.04, 2),
    ("陝西", "西安", 0.03, 2),
    ("重慶", "重慶", 0.04, 2),
    ("湖南", "長沙", 0.03, 2),
    ("河南", "鄭州", 0.03, 2),
    ("天津", "天津", 0.025, 2),
    ("山東", "青島", 0.025, 2),
    ("安徽", "合肥", 0.02, 2),
    ("廣東", "東莞", 0.02, 2),
    ("廣東", "佛山", 0.02, 2),
    ("福建", "廈門", 0.02, 3),
    ("遼寧", "沈陽", 0.015, 3),
    ("雲南", "昆明", 0.015, 3),
    ("浙江", "溫州", 0.015, 3),
    ("福建", "泉州", 0.012, 3),
    ("廣西", "南寧", 0.012, 3),
    ("貴州", "貴陽", 0.012, 3),
    ("江西", "南昌", 0.012, 3),
    ("山西", "太原", 0.01, 3),
    ("河北", "石家莊", 0.012, 3),
    ("甘肅", "蘭州", 0.008, 3),
    ("河南", "洛陽", 0.008, 3),
    ("江蘇", "揚州", 0.008, 3),
    ("江蘇", "徐州", 0.008, 3),
    ("四川", "綿陽", 0.006, 3),
    ("廣西", "桂林", 0.006, 3),
)

SURNAMES = "王李張劉陳楊黃趙吳周徐孫馬朱胡郭何林高羅鄭梁謝宋唐許韓馮鄧曹彭曾蕭田董潘袁蔡蔣余"
GIVEN_CHARS = (
    "偉芳娜敏靜麗強磊軍洋勇艷傑濤明超秀霞平剛桂英華玉蘭萍紅娟建國志文欣怡子涵梓軒浩宇思雨佳琪"
)
STREETS = (
    "人民路",
    "中山路",
    "解放路",
    "建設路",
    "和平路",
    "新華路",
    "長江路",
    "世紀大道",
    "科技園路",
    "濱江路",
)
MEMBER_TIERS = ("none", "regular", "silver", "gold")
DEVICES = ("ios", "android", "desktop", "tablet")
REFUND_REASONS = (
    "quality_issue",
    "wrong_size",
    "not_as_described",
    "changed_mind",
    "late_delivery",
)
