"""Interactions of the supply-chain page (/en/supply-chain), run by report_site_browser.py.

``supply-chain_category`` reads the stock-out table and the below-safety-stock sentence as
the page first shows them (every category), picks one category in the Category filter and
reads them again. test_report_supply_chain.py checks that they changed and equal SQL on the
marts for that category.
"""

from __future__ import annotations

import time

from report_site_inputs import choose_option, table_cells

SPELLS_HEADER = "Missed units (est.)"
CATEGORY = "Personal care"
TIMEOUT_SECONDS = 30


def _spells_table(page):
    return page.locator("table:visible", has_text=SPELLS_HEADER).first


def _reading(page) -> dict:
    table = table_cells(_spells_table(page))
    sentence = page.locator("p", has_text="products were below their safety stock").first
    return {"spells": table, "below_safety": " ".join(sentence.inner_text().split())}


def category(page, base_url: str) -> dict:
    page.goto(base_url + "/en/supply-chain", wait_until="networkidle", timeout=60000)
    _spells_table(page).wait_for(timeout=30000)
    page.wait_for_timeout(1500)
    before = _reading(page)
    choose_option(page, "Category", CATEGORY)
    deadline = time.monotonic() + TIMEOUT_SECONDS
    after = _reading(page)
    while after["spells"] == before["spells"] and time.monotonic() < deadline:
        page.wait_for_timeout(500)
        after = _reading(page)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    return {"category": CATEGORY, "before": before, "after": _reading(page)}


INTERACTIONS = {"supply-chain_category": category}
