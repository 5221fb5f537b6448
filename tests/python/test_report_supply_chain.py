"""The supply-chain page (reports/templates/supply-chain.md) shows the marts' numbers.

Every figure checked here is computed independently from the core marts (snap_inventory_days,
fct_orders, fct_order_items, fct_reviews, dim_products), not from agg_supply_chain_periods or
the KPI layer the page reads, and the targets from the KPI registry seed; then looked for as
the page formats it: the BigValues in the prerendered page, the tables in what Chromium shows
once hydrated, in both languages. The planted story best_seller_stockout_d11 (P0053 out of
stock through the Double 11 burst) must lead the stock-out table, and the Category filter
must narrow the stock-out table and the safety-stock sentence to the category
(site_interactions_supply_chain.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, query

pytestmark = [pytest.mark.reports, pytest.mark.integration]

STORY_PRODUCT = "P0053"
STORY_DAYS = [dt.date(2025, 11, 11), dt.date(2025, 11, 12), dt.date(2025, 11, 13)]
CATEGORY_NAMES = {"en": {}, "zh": {}}
with (ROOT / "seeds" / "reference" / "code_labels.csv").open(encoding="utf-8") as _file:
    for _row in csv.DictReader(_file):
        if _row["label_kind"] == "product_category":
            CATEGORY_NAMES["en"][_row["code"]] = _row["name_en"]
            CATEGORY_NAMES["zh"][_row["code"]] = _row["name_zh"]


def _negative_max_rating() -> int:
    """The highest rating that counts as a negative review (dbt var)."""
    project = yaml.safe_load((ROOT / "dbt_project.yml").read_text(encoding="utf-8"))
    return int(project["vars"]["negative_review_max_rating"])


def _targets() -> dict[str, float]:
    with (ROOT / "seeds" / "metrics" / "kpi_registry.csv").open(encoding="utf-8") as file:
        return {
            row["kpi_id"]: float(row["target"]) for row in csv.DictReader(file) if row["target"]
        }


def _tidy(text: str) -> str:
    """Whitespace collapsed, and none before closing punctuation (Value tags leave some)."""
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"([(（])\s+", r"\1", text)
    return re.sub(r"\s+([),;.，；）])", r"\1", text)


def _pct(value: float, places: int) -> str:
    return f"{value * 100:.{places}f}%"


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s month."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, 1)


def _latest_month(db: Path) -> dt.date:
    ((last_day,),) = query(db, "select max(snapshot_date) from marts.snap_inventory_days")
    month = last_day.replace(day=1)
    next_day = last_day + dt.timedelta(days=1)
    if next_day.month == last_day.month:  # the data ends inside its month
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


def _headline(db: Path) -> dict:
    month = _latest_month(db)
    ((stock_out, below),) = query(
        db,
        f"""
        select
            avg(case when is_stock_out then 1.0 else 0.0 end),
            count(*) filter (
                where is_below_safety_stock and snapshot_date = (
                    select max(snapshot_date) from marts.snap_inventory_days
                    where date_trunc('month', snapshot_date) = date '{month}'
                )
            )
        from marts.snap_inventory_days
        where date_trunc('month', snapshot_date) = date '{month}'
        """,
    )
    ((fulfilment, refund),) = query(
        db,
        f"""
        select
            avg(fulfilment_days),
            avg(case when has_refund then 1.0 else 0.0 end)
        from marts.fct_orders
        where is_paid and date_trunc('month', paid_date) = date '{month}'
        """,
    )
    ((negative,),) = query(
        db,
        f"""
        select avg(case when rating <= {_negative_max_rating()} then 1.0 else 0.0 end)
        from marts.fct_reviews
        where date_trunc('month', review_date) = date '{month}'
        """,
    )
    return {
        "month": month,
        "stock_out": float(stock_out),
        "below": below,
        "fulfilment": float(fulfilment),
        "refund": float(refund),
        "negative": float(negative),
    }


def _stock_out_spells(db: Path) -> list[tuple]:
    """Runs of consecutive stock-out days per product, with the product's name, category and
    its paid units and GMV in the 28 days before the run."""
    return query(
        db,
        """
        with days as (
            select
                product_id,
                snapshot_date,
                snapshot_date - cast(row_number() over (
                    partition by product_id order by snapshot_date) as integer) as run_key
            from marts.snap_inventory_days
            where on_hand_qty <= 0
        ),

        runs as (
            select product_id, min(snapshot_date) as first_day, max(snapshot_date) as last_day,
                count(*) as days_out
            from days
            group by product_id, run_key
        )

        select
            r.product_id,
            p.product_name,
            p.category,
            r.first_day,
            r.last_day,
            r.days_out,
            coalesce((
                select sum(i.quantity) from marts.fct_order_items as i
                where i.product_id = r.product_id and i.is_paid
                    and i.paid_date between r.first_day - 28 and r.first_day - 1
            ), 0) as units_before,
            coalesce((
                select sum(i.gmv_cny) from marts.fct_order_items as i
                where i.product_id = r.product_id and i.is_paid
                    and i.paid_date between r.first_day - 28 and r.first_day - 1
            ), 0) as gmv_before
        from runs as r
        inner join marts.dim_products as p on r.product_id = p.product_id
        """,
    )


def _window_spells(db: Path, category: str | None = None) -> list[tuple]:
    """The runs that began in the last 12 complete months, as the page orders them."""
    last = _latest_month(db)
    first = _add_months(last, -11)
    end = _add_months(last, 1) - dt.timedelta(days=1)
    spells = [
        s
        for s in _stock_out_spells(db)
        if first <= s[3] <= end and (category is None or s[2] == category)
    ]
    return sorted(spells, key=lambda s: (-s[5], s[3], s[0]))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_headline_is_the_marts_latest_complete_month(report_site, lang):
    text = _tidy(report_site.text(f"/{lang}/supply-chain"))
    h = _headline(report_site.db)
    heading = "Latest complete month" if lang == "en" else "最近完整月份"
    assert f"{heading}: {h['month']:%Y-%m}" in text
    titles = {
        "en": (
            "Stock-out rate (product-days with no stock ÷ product-days)",
            "In-stock rate (1 − stock-out rate)",
            "Products below safety stock at month end",
            "Fulfilment time, mean (paid → delivered, days)",
            "Refund rate (refunded orders ÷ paid orders)",
            "Negative review share (rating ≤ 2 ÷ reviews)",
        ),
        "zh": (
            "缺貨率（無庫存商品天數 ÷ 商品天數）",
            "現貨率（1 − 缺貨率）",
            "月末低於安全庫存商品數",
            "履約時效平均（支付→送達，天）",
            "退貨退款率（退款訂單 ÷ 支付訂單）",
            "差評占比（評分 ≤ 2 ÷ 評價數）",
        ),
    }[lang]
    values = (
        _pct(h["stock_out"], 2),
        _pct(1 - h["stock_out"], 2),
        f"{h['below']:,}",
        f"{h['fulfilment']:.2f} d",
        _pct(h["refund"], 1),
        _pct(h["negative"], 1),
    )
    for title, value in zip(titles, values, strict=True):
        assert f"{title} {value}" in text, (title, value)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_targets_are_the_registry_targets(report_site, lang):
    text = _tidy(report_site.text(f"/{lang}/supply-chain"))
    t = _targets()
    if lang == "en":
        expected = [
            f"stock-out rate ≤ {_pct(t['stock_out_rate'], 1)}",
            f"in-stock rate ≥ {_pct(t['in_stock_rate'], 0)}",
            f"fulfilment mean ≤ {t['fulfilment_days_mean']:.1f} d",
            f"refund rate ≤ {_pct(t['refund_order_rate'], 0)}",
            f"negative review share ≤ {_pct(t['negative_review_share'], 0)}",
        ]
    else:
        expected = [
            f"缺貨率 ≤ {_pct(t['stock_out_rate'], 1)}",
            f"現貨率 ≥ {_pct(t['in_stock_rate'], 0)}",
            f"平均履約時效 ≤ {t['fulfilment_days_mean']:.1f} d",
            f"退貨退款率 ≤ {_pct(t['refund_order_rate'], 0)}",
            f"差評占比 ≤ {_pct(t['negative_review_share'], 0)}",
        ]
    for piece in expected:
        assert piece in text, piece


def test_the_story_product_was_out_through_double_11(report_site):
    """best_seller_stockout_d11 is in the data the page reads: P0053 had nothing on hand at
    the end of 11, 12 and 13 November 2025."""
    rows = query(
        report_site.db,
        f"""
        select snapshot_date from marts.snap_inventory_days
        where product_id = '{STORY_PRODUCT}' and on_hand_qty <= 0
            and snapshot_date between date '2025-11-11' and date '2025-11-13'
        order by snapshot_date
        """,
    )
    assert [r[0] for r in rows] == STORY_DAYS


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_longest_stock_out_sentence_names_the_story(report_site, lang):
    text = _tidy(report_site.text(f"/{lang}/supply-chain"))
    spells = _window_spells(report_site.db)
    longest = max(spells, key=lambda s: (s[5], s[3]))
    product_id, name, category, first_day, last_day, days_out, units, gmv = longest
    assert product_id == STORY_PRODUCT
    assert first_day <= STORY_DAYS[0] and last_day >= STORY_DAYS[-1]
    category_name = CATEGORY_NAMES[lang][category]
    units_missed = float(units) / 28 * days_out
    gmv_missed = float(gmv) / 28 * days_out
    if lang == "en":
        sentence = (
            f"Longest stock-out of the last 12 complete months: {product_id} {name} "
            f"({category_name}), out of stock {first_day} – {last_day}, {days_out} days, "
            f"during Double 11 (Singles' Day); about {units_missed:,.0f} units "
            f"(¥{gmv_missed:,.0f}) not sold at its usual pace."
        )
    else:
        sentence = (
            f"最近12個完整月份最長的缺貨: {product_id} {name} ({category_name}), "
            f"缺貨 {first_day} – {last_day}, {days_out} 天，時值 雙11; "
            f"約 {units_missed:,.0f} 件（¥{gmv_missed:,.0f}）按平常速度未能售出。"
        )
    assert _tidy(sentence) in text


def test_stock_out_table_leads_with_the_story(site_browser, report_site):
    """Hydrated, the stock-out table's first row is P0053's Double 11 run, with the days and
    the estimated missed units and GMV as the marts give them."""
    text = site_browser["pages"]["/en/supply-chain"]["text"]
    spells = _window_spells(report_site.db)
    product_id, name, category, first_day, last_day, days_out, units, gmv = spells[0]
    assert product_id == STORY_PRODUCT
    row = "\t".join(
        [
            product_id,
            name,
            CATEGORY_NAMES["en"][category],
            f"{first_day}",
            f"{last_day}",
            f"{days_out}",
            "Double 11 (Singles' Day)",
            f"{float(units) / 28 * days_out:,.0f}",
            f"¥{float(gmv) / 28 * days_out:,.0f}",
        ]
    )
    assert row in text


def _below_safety(db: Path, category: str | None = None) -> tuple:
    ((day, products, out),) = query(
        db,
        f"""
        select
            max(snapshot_date),
            count(*) filter (where on_hand_qty < safety_stock_qty),
            count(*) filter (where on_hand_qty < safety_stock_qty and on_hand_qty <= 0)
        from marts.snap_inventory_days
        where snapshot_date = (select max(snapshot_date) from marts.snap_inventory_days)
            {"" if category is None else f"and category = '{category}'"}
        """,
    )
    return day, products, out


def test_below_safety_stock_sentence(site_browser, report_site):
    text = _tidy(site_browser["pages"]["/en/supply-chain"]["text"])
    day, products, out = _below_safety(report_site.db)
    assert (
        f"On {day}, {products} products were below their safety stock, "
        f"{out} of them out of stock:" in text
    )


def test_category_table_pools_the_last_12_months(site_browser, report_site):
    """Refund rate and negative review share per category over the last 12 complete months,
    recomputed from the order lines and reviews."""
    db = report_site.db
    last = _latest_month(db)
    first = _add_months(last, -11)
    end = _add_months(last, 1)
    rows = query(
        db,
        f"""
        with lines as (
            select category, order_id, max(refund_cny) > 0 as refunded
            from marts.fct_order_items
            where is_paid and paid_date >= date '{first}' and paid_date < date '{end}'
            group by category, order_id
        ),

        reviews as (
            select
                category,
                count(*) as reviews,
                count(*) filter (where rating <= {_negative_max_rating()}) as negative
            from marts.fct_reviews
            where review_date >= date '{first}' and review_date < date '{end}'
            group by category
        )

        select l.category, count(*), count(*) filter (where l.refunded), r.reviews, r.negative
        from lines as l
        left join reviews as r on l.category = r.category
        group by l.category, r.reviews, r.negative
        """,
    )
    text = site_browser["pages"]["/en/supply-chain"]["text"]
    for category, orders, refunded, reviews, negative in rows:
        expected = "\t".join(
            [
                CATEGORY_NAMES["en"][category],
                f"{orders:,}",
                f"{refunded:,}",
                _pct(refunded / orders, 1),
            ]
        )
        assert expected in text, expected
        assert f"\t{reviews:,}\t{negative:,}\t{_pct(negative / reviews, 1)}\t" in text


def test_category_filter_narrows_the_stock_outs(site_browser, report_site):
    seen = site_browser["interactions"]["supply-chain_category"]
    assert "error" not in seen, seen.get("error")
    result = seen["result"]
    before, after = result["before"], result["after"]
    assert after["spells"] != before["spells"]
    category = next(
        code for code, name in CATEGORY_NAMES["en"].items() if name == result["category"]
    )
    expected = _window_spells(report_site.db, category)[:10]
    assert [row[:6] for row in after["spells"]] == [
        [s[0], s[1], result["category"], f"{s[3]}", f"{s[4]}", f"{s[5]}"] for s in expected
    ]
    day, products, out = _below_safety(report_site.db, category)
    assert (
        f"On {day} , {products} products were below their safety stock, {out} of them out of stock:"
        in after["below_safety"]
        or f"On {day}, {products} products were below their safety stock, "
        f"{out} of them out of stock:"
        in after["below_safety"]
    )
