"""How the shop's visitors and customers behave: every behaviour number, named once.

Nothing here is a rate the warehouse measures. Conversion, bounce, retention, refund rates
and the attribution differences are outcomes of these behaviours (see ``journeys``): a
visitor's need, the channel that brought them, their device, how fast the page loads, how
many times they have looked before, the campaign running and the price on the day.
Sources or reasons are given with each number; "calibrated" means chosen so the demo's
measured figures land in the bands of DECISIONLOG "What the demo shop must look like". The
buyers' stock keeping and the planners' budgeting are behaviour too, and are named here;
the shop itself is in ``catalog`` and its calendar in ``timeline``.
"""

from __future__ import annotations

# --------------------------------------------------------------------------- who arrives
# New visitors by acquisition channel on an ordinary day (campaigns lift their channels).
# Feeds and short video (Douyin ads, natural recommendation) bring the most first visits.
ACQUISITION_WEIGHTS = {
    "douyin_ads": 0.13,
    "xiaohongshu_ads": 0.11,
    "wechat_ads": 0.07,
    "search_ads": 0.08,
    "kol_live": 0.07,
    "organic_search": 0.13,
    "direct": 0.05,
    "natural_recommendation": 0.18,
    "social_fission": 0.06,
    "wecom": 0.01,
    "community_group": 0.03,
    "mini_program": 0.04,
    "official_account": 0.05,
}
# How a shop-wide promotion (from its first day of sales) shifts new visitors towards the
# paid channels that run it (Douyin carries the most promotion traffic).
PROMOTION_CHANNEL_LIFT = {
    "douyin_ads": 2.3,
    "kol_live": 1.3,
    "xiaohongshu_ads": 1.15,
    "wechat_ads": 1.0,
    "search_ads": 1.1,
}
# A one-channel campaign's lift on its channel's new visitors, by phase: a live stream's
# night, or the month of a social-fission drive.
OWN_CAMPAIGN_LIFT = {
    "live_stream": {"warmup": 1.6, "burst": 2.0, "tail": 1.5},
    "social_fission": {"warmup": 1.6, "burst": 3.0, "tail": 1.6},
}

# A live stream's night brings its own crowd on top of the day's visitors, as a multiple of
# an ordinary day's new visitors (the KOL's audience clicking through from the stream).
LIVE_STREAM_VIEWERS = 2.5

# Birth years: Gen-Z (born 1995-2010; adults in the data's years) and everyone else. The
# Gen-Z share of a channel's visitors is the channel's own (catalog.Channel.gen_z_share).
GEN_Z_BIRTH_YEARS = (1995, 2007)
OTHER_BIRTH_YEARS = (1962, 1994)
BIRTH_YEAR_MISSING = 0.03  # customers who never filled it in
GENDER_WEIGHTS = (("f", 0.62), ("m", 0.34), ("unknown", 0.04))  # a beauty-led shop
# Devices of Gen-Z and of other visitors (ios, android, desktop, tablet).
DEVICE_WEIGHTS = {True: (0.52, 0.45, 0.02, 0.01), False: (0.37, 0.45, 0.14, 0.04)}

# --------------------------------------------------------------------------- intent
# A visitor's need: the chance an engaged visit ends in a purchase, before the modifiers
# below. Beta-distributed: most visitors are browsing, a few came to buy. Calibrated.
NEED_BETA = (0.4, 9.5)
# Weekend visitors include more casual browsers: their need is lower.
WEEKEND_NEED = 0.75
# Each earlier visit raises the chance to buy (consideration), up to this many visits.
CONSIDERATION_STEP = 1.4
CONSIDERATION_VISITS = 4
# Device: the mobile shop's checkout is smoothest on iOS and on desktop.
DEVICE_INTENT = {"ios": 1.1, "android": 0.9, "desktop": 1.2, "tablet": 1.0}
# Share of checkouts whose payment fails and is abandoned (an unpaid order remains).
PAYMENT_FAILURE = {"ios": 0.05, "android": 0.1, "desktop": 0.04, "tablet": 0.06}
# A promotion's stage changes what shoppers do in a visit. Warm-up: they cart and wait (or
# pay a deposit); the first day and the big day: they pay; the slump: little.
STAGE_INTENT = {
    None: 1.0,
    "warmup": 0.55,
    "first": 2.2,
    "burst": 1.25,
    "big": 3.5,
    "tail": 1.1,
    "slump": 0.55,
}
# Shoppers who wanted to buy in a warm-up come back on the big day (carts and deposits).
WARMUP_WAIT_FOR_BIG_DAY = 0.5
# Weekend visits are more leisurely: more looking, less buying.
WEEKEND_VISIT_INTENT = 0.85
# A live stream's viewers buy on impulse during the stream.
LIVE_STREAM_INTENT = 1.8

# --------------------------------------------------------------------------- landing
# Landing-page load time: log-normal around this median (ms), by device.
LOAD_MEDIAN_MS = 1_250
LOAD_SIGMA = 0.55
DEVICE_LOAD = {"ios": 0.9, "android": 1.2, "desktop": 0.7, "tablet": 1.0}
# Slow pages lose visitors: extra bounce over 3 s and again over 6 s (Google/SOASTA 2017:
# bounce probability rises 32% from 1 s to 3 s and 90% from 1 s to 5 s), and those who stay
# buy less.
SLOW_MS = 3_000
SLOW_BOUNCE = 0.2
VERY_SLOW_MS = 6_000
VERY_SLOW_BOUNCE = 0.2
SLOW_INTENT = 0.7
# Returning visitors bounce less than first-timers; buyers coming back to pay hardly at all.
RETURNING_BOUNCE = 0.6
# Where a visit lands: a campaign page while a campaign runs, else home, product, category.
CAMPAIGN_LANDING = 0.5
HOME_LANDING = 0.35
PRODUCT_LANDING = 0.45
# Page dwell: gamma(2) draws around this mean (ms) on the homepage and other pages, times
# the channel's dwell factor.
HOMEPAGE_DWELL_MS = 45_000
PAGE_DWELL_MS = 30_000

# A campaign's tracking id is on this share of its channel's visits while it runs (the rest
# arrive through untagged links).
CAMPAIGN_TAGGED = 0.8
# Share of human visits whose bot flag the tracker leaves empty.
BOT_FLAG_MISSING = 0.01
# A shopper coming back for a product they carted or could not buy lands on its page this
# often, and bounces this much less.
WAITING_PRODUCT_LANDING = 0.7
WAITING_BOUNCE = 0.3
# An engaged visitor looks at a second product this often.
SECOND_PRODUCT_VIEW = 0.35
# A warm-up shopper back on the big day pays this often; nobody is certain to buy.
BIG_DAY_WANT = 0.8
MAX_WANT = 0.95
# Seconds between the steps of a visit, [low, high): ad click after the impression, from
# one product page to the next, between adding lines, to the checkout, registering before
# the checkout, paying after it; a marketplace order's payment.
CLICK_SECONDS = (1, 21)
VIEW_SECONDS = (10, 90)
CART_SECONDS = (5, 65)
CHECKOUT_SECONDS = (20, 110)
REGISTER_BEFORE_CHECKOUT_SECONDS = (30, 330)
PAY_SECONDS = (30, 270)
MARKETPLACE_PAY_SECONDS = (30, 1_830)
# A pre-sale balance visit: the orders page's dwell (ms), then checkout and payment.
BALANCE_PAGE_DWELL_MS = (2_000, 22_000)
BALANCE_CHECKOUT_SECONDS = (15, 75)
BALANCE_PAY_SECONDS = (90, 210)
# When balances are paid on the big day (seconds after midnight): the first two hours, or
# the evening from 20:00.
BALANCE_MIDNIGHT_SECONDS = (0, 7_200)
BALANCE_EVENING_SECONDS = (72_000, 84_000)

# --------------------------------------------------------------------------- browsing
# Visits that do not buy: some add to cart (more in a warm-up), a few reach checkout.
CART_WITHOUT_BUYING = 0.16
WARMUP_CART = 2.0
CHECKOUT_WITHOUT_BUYING = 0.4
# A visitor who is not registered registers in an engaged visit without buying
# (a new-member coupon) - the shop's leads.
LEAD_REGISTRATION = 0.012

# Coming back after a visit without a purchase: chance, then a wait (demand-days).
RETURN_AFTER_BOUNCE = 0.2
RETURN_AFTER_BROWSE = 0.45
RETURN_AFTER_CART = 0.7
RETURN_AFTER_STOCKOUT = 0.55
RETURN_WAIT_DAYS = 3.5
# Before registering, a visitor comes back through search, direct visits, recommendation,
# retargeting ads or the channel that found them.
RETURN_CHANNELS_ANONYMOUS = {
    "same": 0.05,
    "organic_search": 0.22,
    "direct": 0.2,
    "search_ads": 0.14,
    "natural_recommendation": 0.08,
    "douyin_ads": 0.07,
    "xiaohongshu_ads": 0.06,
    "wechat_ads": 0.04,
    "official_account": 0.05,
}
# A known customer's visits: the private domain if they joined it, else direct, search and
# the official account, with paid retargeting (Douyin, WeChat, search and live streams;
# Xiaohongshu's notes find new people rather than bring customers back).
RETURN_CHANNELS_PRIVATE = {
    "wecom": 0.27,
    "community_group": 0.2,
    "mini_program": 0.23,
    "official_account": 0.06,
    "direct": 0.1,
    "organic_search": 0.05,
    "douyin_ads": 0.06,
    "social_fission": 0.03,
}
RETURN_CHANNELS_KNOWN = {
    "mini_program": 0.14,
    "official_account": 0.1,
    "direct": 0.2,
    "organic_search": 0.16,
    "natural_recommendation": 0.08,
    "douyin_ads": 0.13,
    "wechat_ads": 0.07,
    "search_ads": 0.06,
    "kol_live": 0.03,
    "social_fission": 0.03,
}
# Share of a registered customer's visits made logged in.
LOGGED_IN = 0.85

# --------------------------------------------------------------------------- after buying
# A buyer's shopping occasions per demand-day: gamma-distributed, so a few come back
# often and most seldom (the heavy tail of customer value). Calibrated.
LOYALTY_SHAPE = 0.45
LOYALTY_MEAN = 0.03
GEN_Z_LOYALTY = 1.7  # Gen-Z shop more often (the plans' Gen-Z programme exists for it)
GEN_Z_LAPSE = 0.8  # and stay longer
CITY_TIER_LOYALTY = {1: 1.0, 2: 1.05, 3: 1.15}  # smaller cities: fewer alternatives nearby
# After each purchase, the chance a buyer never comes back (beta-distributed per buyer).
LAPSE_BETA = (2.0, 1.9)
# A buyer's chance to lose interest for good after a visit that does not buy.
LAPSE_WITHOUT_PURCHASE = 0.06
# Share of buyers who join the private domain (WeCom / community group) after a purchase,
# and how that changes them: more occasions, fewer lapses.
PRIVATE_JOIN = 0.22
PRIVATE_LOYALTY = 1.6
PRIVATE_LAPSE = 0.7
# A buyer who joins gets a welcome message with a coupon: the chance it brings them back
# within the week, and when.
PRIVATE_WELCOME_VISIT = 0.45
PRIVATE_WELCOME_DAYS = (1.0, 7.0)
# Share of a buyer's shopping occasions that happen on Tmall / JD (no tracked visit), and
# the chance such an occasion ends in an order.
MARKETPLACE_SHARE_BETA = (1.3, 1.9)
MARKETPLACE_BUY = 0.75
# An occasion is a visit; the chance it is a purchase visit for a buyer coming back.
RETURNING_BUYER_NEED = 0.11
# Member tiers follow how often a buyer shops (tiers are earned by spending): the tier
# thresholds on a noisy loyalty score, as shares of registered customers.
MEMBER_TIER_SHARES = (("none", 0.45), ("regular", 0.35), ("silver", 0.14), ("gold", 0.06))
MEMBER_TIER_NOISE = 0.4
# Members' perks (points, member prices, birthday coupons) keep them: their chance to lapse.
TIER_LAPSE = {"none": 1.0, "regular": 0.92, "silver": 0.82, "gold": 0.7}

# --------------------------------------------------------------------------- baskets
# Prices are compared with this one (199 元) when a buyer's price sensitivity weighs them.
REFERENCE_PRICE_CENTS = 19_900
# Lines per order (1, 2, 3), quantity per line (1, 2, 3).
LINE_COUNT_WEIGHTS = (0.62, 0.28, 0.10)
QUANTITY_WEIGHTS = (0.78, 0.17, 0.05)
# How strongly price puts buyers off (demand ∝ price ^ -sensitivity): Gen-Z are the most
# price-sensitive; first-tier cities the least.
PRICE_SENSITIVITY = {True: 0.85, False: 0.4}
CITY_TIER_PRICE_SENSITIVITY = {1: -0.2, 2: 0.0, 3: 0.2}
# A line-level discount (5%) on some lines; the campaign price on burst days.
LINE_DISCOUNT_SHARE = 0.1
LINE_DISCOUNT = 0.05
CAMPAIGN_PRICE = 0.85
# Coupons: the first-order coupon, and tiered 满减 (more common in promotions).
NEW_CUSTOMER_COUPON = ("NEW10", 5_900, 1_000, 0.5)  # code, minimum, amount (cents), share
TIERED_COUPONS = (("MJ399-50", 39_900, 5_000), ("MJ199-20", 19_900, 2_000))
TIERED_COUPON_SHARE = {True: 0.75, False: 0.15}  # in a promotion, outside one
FREE_SHIPPING_FROM = 9_900
SHIPPING_FEES = (800, 1_000, 1_200)
# A pre-sale's deposit is paid in the warm-up; the balance falls due at the big day's
# midnight (most pay within the first two hours) or in its evening.
BALANCE_AT_MIDNIGHT = 0.7

# --------------------------------------------------------------------------- fulfilment
# Paid to shipped: the warehouse works through the day's orders; the big days add a backlog.
SHIP_DAYS = (0.15, 1.1)
BIG_DAY_BACKLOG_DAYS = (1.0, 3.5)
# Shipped to delivered: log-normal transit around this median, slower to smaller cities; a
# few parcels are held up for days (a long tail, p90 well above the mean).
TRANSIT_MEDIAN_DAYS = 1.7
TRANSIT_SIGMA = 0.5
CITY_TIER_TRANSIT = {1: 0.85, 2: 1.0, 3: 1.35}
HELD_UP_SHARE = 0.03
# When couriers resume after the New Year pause, the backlog ships over this many days.
AFTER_PAUSE_SHIP_DAYS = (0.3, 1.5)
HELD_UP_DAYS = (3.0, 11.0)

# --------------------------------------------------------------------------- after delivery
# Refunds: the category's return rate, higher for Gen-Z (more try-on buying) and for
# promotion orders (impulse buying); returned within days of delivery.
GEN_Z_REFUND = 2.0
PROMOTION_REFUND = 1.25
REFUND_DAYS = (1.0, 10.0)
# Reviews: a share of delivered orders; late or refunded orders are rated worse.
REVIEW_SHARE = 0.3
REVIEW_DAYS = (0.5, 7.0)
RATING_WEIGHTS = (0.006, 0.01, 0.08, 0.25, 0.654)  # 1..5 stars
LATE_DELIVERY_DAYS = 5.0
UNHAPPY_RATING_WEIGHTS = (0.04, 0.05, 0.25, 0.33, 0.33)

# --------------------------------------------------------------------------- bots and ads
# Click-fraud visits on paid ads, as a share of all visits, and the share the tracker flags.
BOT_SHARE = 0.035
BOT_FLAGGED_SHARE = 0.8
# Bots load the landing page fast (ms): no images, no scripts.
BOT_LOAD_MS = (200, 900)
# Clicks cost more during a promotion's burst (everyone bids).
BURST_CPC = 1.2

# --------------------------------------------------------------------------- stock
# Share of products launched before the period (the rest launch during it).
LAUNCHED_BEFORE = 0.8
# Popularity of products: Zipf-distributed (a few best sellers).
POPULARITY_ZIPF = 1.5
# Stock at the start, safety stock and reorders, in days of expected sales.
OPENING_STOCK_DAYS = (15, 35)
SAFETY_STOCK_DAYS = (3, 6)
REORDER_COVER_DAYS = 5  # reorder when stock falls to this many days of expected sales
ORDER_QUANTITY_DAYS = (20, 40)
LEAD_TIME_DAYS = (3, 10)
# Units a product sells per new visitor a day, to size the opening stock (calibrated).
UNITS_PER_VISITOR = 0.14

# --------------------------------------------------------------------------- planning
# Ordinary days of spend the planners look back on: recent enough to follow a rising price.
PLANNING_WINDOW_DAYS = 14
# The planner's judgement around the forecast (a budget is a decision, not a forecast).
PLANNING_JUDGEMENT = (1.0, 1.15)
# Budgets are set to the ten yuan.
BUDGET_ROUNDING_CENTS = 1_000
# Before any history: the first month's budget per channel at demo scale (CNY).
OPENING_BUDGETS = {
    "douyin_ads": 390,
    "xiaohongshu_ads": 420,
    "wechat_ads": 270,
    "search_ads": 600,
    "kol_live": 290,
}
# Channels the plans treat as core (never frozen when the reserve is used).
CORE_CHANNELS = ("douyin_ads", "search_ads")
# A social-fission drive's budget pays referral rewards, not ads (CNY at demo scale).
FISSION_REWARDS = (300, 700)
