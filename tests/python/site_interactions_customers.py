"""Interactions of the customers page (/en/customers), run by report_site_browser.py.

``customers_cohort_channel`` reads the cohort-retention sentence (cohorts, customers, month-1
and month-3 retention) and the cohort heat map as the page first shows them (every
acquisition channel), picks one channel in the Acquisition channel filter and reads them
again. test_report_customers.py checks that both changed and that the sentence equals SQL on
the marts for that channel.
"""

from __future__ import annotations

import hashlib
import time

from report_site_inputs import choose_option

SENTENCE = "Selected cohorts:"
FILTER_TITLE = "Acquisition channel"
CHANNEL = "Organic search"
TIMEOUT_SECONDS = 30


def _sentence(page):
    return page.locator("p", has_text=SENTENCE).first


def _reading(page) -> dict:
    """The sentence's text and the pixels of the heat map that follows it."""
    sentence = _sentence(page)
    heatmap = sentence.locator("xpath=following::div[@_echarts_instance_][1]")
    return {
        "sentence": " ".join(sentence.inner_text().split()),
        "heatmap_sha256": hashlib.sha256(heatmap.screenshot()).hexdigest(),
    }


def _wait_for_change(page, before: dict) -> dict:
    """The reading once the sentence has changed and the page is idle again."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
        reading = _reading(page)
        if reading["sentence"] != before["sentence"]:
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(1500)  # the chart redraws
            return _reading(page)
    return _reading(page)


def cohort_channel(page, base_url: str) -> dict:
    page.goto(base_url + "/en/customers", wait_until="networkidle", timeout=60000)
    _sentence(page).wait_for(timeout=30000)
    page.wait_for_timeout(1500)
    before = _reading(page)
    choose_option(page, FILTER_TITLE, CHANNEL)
    after = _wait_for_change(page, before)
    return {"channel": CHANNEL, "before": before, "after": after}


INTERACTIONS = {"customers_cohort_channel": cohort_channel}
