"""The simulated shop's fixed parameters: scales, channels, categories, places, names.

The shop sells beauty, apparel, snacks, home, digital and personal-care products on Tmall,
JD, Douyin, Xiaohongshu and a WeChat mini-program. Traffic comes from paid public-domain
channels (Douyin / Xiaohongshu / WeChat / search ads, KOL live streams), organic channels,
private-domain channels (WeCom, community groups, mini-program, official account) and
social fission. Every number here is a behaviour of that shop, not a rule of the warehouse.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    start: dt.date
    days: int
    # New buyers per day on an ordinary weekday (campaigns and weekends lift it).
    new_buyers_per_day: float
    # Registered customers who never buy (leads), as a share of buyers.
    lead_share: float
    # Digits of customer and order ids, of session ids and of event ids.
    id_width: int
    session_id_width: int
    event_id_width: int


SCALES: dict[str, Scale] = {
    # One calendar year: ~3,000 customers, ~5,000 paid orders, ~40,000 sessions.
    "demo": Scale("demo", dt.date(2025, 1, 1), 365, 5.3, 0.12, 6, 5, 6),
    # Two years from here on: ~50,000, ~1 million and ~10 million paid orders.
    "small": Scale("small", dt.date(2024, 1, 1), 731, 25.0, 0.12, 7, 6, 7),
    "medium": Scale("medium", dt.date(2024, 1, 1), 731, 470.0, 0.12, 8, 8, 9),
    "large": Scale("large", dt.date(2024, 1, 1), 731, 4700.0, 0.12, 9, 9, 10),
}


@dataclass(frozen=True)
class Channel:
    code: str
    source: str
    medium: str
    platform: str
    # Share of (human) sessions that end in a payment: the channel's own conversion rate.
    conversion: float
    # Basket size relative to the shop's average: how many lines its buyers put in an order.
    basket: float = 1.0
    # Ad economics for paid channels: cost per click (CNY) and click-through rate.
    cpc: float = 0.0
    ctr: float = 0.0
    # Ad clicks per tracked session (not every paid click lands as a tracked visit).
    clicks_per_session: float = 1.0

    @property
    def is_paid(self) -> bool:
        return self.cpc > 0


WX = "wechat_mini_program"

CHANNELS: dict[str, Channel] = {
    c.code: c
    for c in (
        # code, source, medium, platform, conversion, basket, CPC, CTR, clicks per session
        Channel("douyin_ads", "douyin", "cpc", "douyin", 0.042, 0.95, 1.80, 0.028, 2.1),
        Channel(
            "xiaohongshu_ads", "xiaohongshu", "cpc", "xiaohongshu", 0.037, 1.15, 2.0, 0.024, 1.4
        ),
        Channel("wechat_ads", "wechat", "cpc", WX, 0.027, 0.95, 2.25, 0.016, 1.45),
        Channel("search_ads", "baidu", "cpc", "own_site", 0.052, 1.0, 2.3, 0.035, 1.3),
        Channel("kol_live", "douyin_live", "kol", "douyin", 0.046, 0.85, 2.45, 0.040, 1.55),
        Channel("organic_search", "baidu", "organic", "own_site", 0.046),
        Channel("direct", "(direct)", "(none)", "own_site", 0.066, 1.1),
        Channel("natural_recommendation", "douyin", "recommendation", "douyin", 0.032, 0.9),
        Channel("wecom", "wecom", "private", WX, 0.092, 1.2),
        Channel("community_group", "wechat_group", "private", WX, 0.082, 0.85),
        Channel("mini_program", "wechat", "mini_program", WX, 0.078, 1.1),
        Channel("official_account", "wechat", "article", WX, 0.056),
        Channel("social_fission", "wechat", "referral", WX, 0.062, 0.8),
    )
}

# A month each year in which a paid channel's clicks cost more (a bidding war on its
# auction), pushing its ROI under the 1.5 "pause channel" line.
EXPENSIVE_MONTH = ("wechat_ads", 9, 1.75)

PAID_CHANNELS = tuple(code for code, c in CHANNELS.items() if c.is_paid)

# Channel of a customer's first tracked order (acquisition mix).
FIRST_ORDER_CHANNEL_WEIGHTS: dict[str, float] = {
    "douyin_ads": 0.15,
    "xiaohongshu_ads": 0.10,
    "wechat_ads": 0.06,
    "search_ads": 0.08,
    "kol_live": 0.06,
    "organic_search": 0.14,
    "direct": 0.08,
    "natural_recommendation": 0.11,
    "social_fission": 0.08,
    "wecom": 0.03,
    "community_group": 0.03,
    "mini_program": 0.05,
    "official_account": 0.03,
}
# Channel of repeat tracked orders: loyal customers come back through the private domain.
REPEAT_ORDER_CHANNEL_WEIGHTS: dict[str, float] = {
    "wecom": 0.17,
    "community_group": 0.15,
    "mini_program": 0.17,
    "official_account": 0.06,
    "organic_search": 0.09,
    "direct": 0.10,
    "natural_recommendation": 0.06,
    "douyin_ads": 0.06,
    "xiaohongshu_ads": 0.04,
    "wechat_ads": 0.02,
    "search_ads": 0.03,
    "kol_live": 0.02,
    "social_fission": 0.03,
}
# Share of orders placed in a tracked session (the rest are marketplace orders on Tmall/JD).
TRACKED_SHARE_FIRST = 0.40
TRACKED_SHARE_REPEAT = 0.44
MARKETPLACES = (("tmall", 0.65), ("jd", 0.35))
# Bot sessions as a share of all sessions, and the share the tracker flags.
BOT_SHARE = 0.035
BOT_FLAGGED_SHARE = 0.8


@dataclass(frozen=True)
class Category:
    code: str
    name_zh: str
    price_range: tuple[int, int]
    cost_ratio: tuple[float, float]
    refund_rate: float
    products: tuple[str, ...]


CATEGORIES: tuple[Category, ...] = (
    Category(
        "beauty",
        "美妝",
        (59, 499),
        (0.35, 0.45),
        0.05,
        (
            "精華液",
            "面霜",
            "口紅",
            "粉底液",
            "眼影盤",
            "防曬霜",
            "卸妝油",
            "面膜",
            "香水",
            "眉筆",
        ),
    ),
    Category(
        "apparel",
        "服飾",
        (69, 899),
        (0.40, 0.55),
        0.08,
        (
            "衛衣",
            "牛仔褲",
            "連衣裙",
            "羽絨服",
            "T恤",
            "運動鞋",
            "針織衫",
            "風衣",
            "帆布包",
            "棒球帽",
        ),
    ),
    Category(
        "snacks",
        "零食",
        (29, 159),
        (0.50, 0.65),
        0.03,
        (
            "堅果禮盒",
            "牛肉乾",
            "果乾",
            "辣條",
            "餅乾",
            "巧克力",
            "花茶",
            "咖啡豆",
            "蛋黃酥",
            "海苔",
        ),
    ),
    Category(
        "home",
        "家居",
        (39, 699),
        (0.45, 0.60),
        0.04,
        (
            "香薰蠟燭",
            "收納盒",
            "四件套",
            "抱枕",
            "保溫杯",
            "餐具套裝",
            "地墊",
            "台燈",
            "掛鐘",
            "毛巾",
        ),
    ),
    Category(
        "digital",
        "數碼",
        (99, 899),
        (0.55, 0.65),
        0.06,
        (
            "藍牙耳機",
            "充電寶",
            "數據線",
            "手機殼",
            "智能手環",
            "鍵盤",
            "鼠標",
            "音箱",
            "自拍杆",
            "U盤",
        ),
    ),
    Category(
        "personal_care",
        "個護",
        (29, 299),
        (0.40, 0.55),
        0.04,
        (
            "洗髮水",
            "沐浴露",
            "牙膏",
            "電動牙刷",
            "身體乳",
            "護手霜",
            "剃鬚刀",
            "洗面奶",
            "止汗露",
            "髮膜",
        ),
    ),
)

REFUND_REASONS = (
    "quality_issue",
    "wrong_size",
    "not_as_described",
    "changed_mind",
    "late_delivery",
)

# Provinces and cities with their share of customers.
PLACES: tuple[tuple[str, str, float], ...] = (
    ("廣東", "廣州", 0.07),
    ("廣東", "深圳", 0.08),
    ("上海", "上海", 0.09),
    ("北京", "北京", 0.08),
    ("浙江", "杭州", 0.07),
    ("浙江", "寧波", 0.03),
    ("江蘇", "南京", 0.05),
    ("江蘇", "蘇州", 0.05),
    ("四川", "成都", 0.07),
    ("湖北", "武漢", 0.05),
    ("陝西", "西安", 0.04),
    ("重慶", "重慶", 0.05),
    ("福建", "廈門", 0.03),
    ("山東", "青島", 0.04),
    ("湖南", "長沙", 0.04),
    ("河南", "鄭州", 0.04),
    ("天津", "天津", 0.03),
    ("遼寧", "沈陽", 0.02),
    ("雲南", "昆明", 0.02),
    ("安徽", "合肥", 0.02),
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

MEMBER_TIERS = (("none", 0.45), ("regular", 0.35), ("silver", 0.14), ("gold", 0.06))
DEVICES = (("ios", 0.44), ("android", 0.46), ("desktop", 0.08), ("tablet", 0.02))
HOUR_WEIGHTS = (
    0.8,
    0.4,
    0.2,
    0.1,
    0.1,
    0.2,
    0.5,
    1.2,
    2.0,
    3.0,
    3.8,
    4.2,
    4.4,
    4.0,
    3.6,
    3.4,
    3.6,
    4.0,
    4.6,
    5.4,
    6.6,
    7.4,
    6.0,
    2.6,
)

# Campaign multipliers by phase: on traffic and buyers, and on a session's chance to buy
# (shoppers browse and add to cart in the warm-up, wait for the burst's prices, then pay).
PHASE_LIFT = {"warmup": 1.35, "burst": 2.6, "tail": 1.5}
PHASE_CONVERSION = {"warmup": 0.85, "burst": 1.35, "tail": 1.1}
WEEKDAY_LIFT = (1.0, 0.97, 0.98, 1.0, 1.08, 1.28, 1.22)  # Monday .. Sunday
