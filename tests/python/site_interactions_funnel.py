"""Interactions of the funnel page, run by report_site_browser.py.

``funnel_loaded_text`` returns the page's text in both languages once nothing on it is
still loading. ``funnel_channel_then_device`` opens /en/funnel and reads the step table,
the biggest drop-off sentence and the step chart as the page first shows them (every
channel, device and campaign over the whole data), picks one channel in the Channel
filter, reads them again, then also picks one device and reads them a third time.
test_report_funnel.py checks that each reading changed and equals SQL on the marts for
that slice.
"""

from __future__ import annotations

import hashlib
import time

from report_site_inputs import choose_option, table_cells

STEP_TABLE_HEADER = "Sessions reaching it"
CHANNEL = "Direct"
DEVICE = "Android"
TIMEOUT_SECONDS = 60
LOAD_TIMEOUT_MS = 120000


def _step_table(page):
    return page.locator("table:visible", has_text=STEP_TABLE_HEADER).first


def _reading(page) -> dict:
    """The step table's rows (cell texts), the drop-off sentence and the chart's pixels."""
    table = table_cells(_step_table(page))
    sentence = page.locator("p", has_text="Biggest drop-off:").first.inner_text()
    chart = page.locator("div[_echarts_instance_]").first
    return {
        "table": table,
        "sentence": " ".join(sentence.split()),
        "chart_sha256": hashlib.sha256(chart.screenshot()).hexdigest(),
    }


def _settled(page, reading: dict) -> dict:
    """The reading once two in a row agree (the chart has finished its animation)."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        page.wait_for_timeout(1000)
        again = _reading(page)
        if again == reading:
            return again
        reading = again
    return reading


def _wait_for_change(page, before: dict) -> dict:
    """The reading once the table has changed and stopped changing."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
        reading = _reading(page)
        if reading["table"] and reading["table"] != before["table"]:
            return _settled(page, reading)
    return _reading(page)


def _open(page, url: str) -> None:
    """Open a page and wait until none of its tables and charts is still loading."""
    page.goto(url, wait_until="networkidle", timeout=60000)
    page.wait_for_function(
        "() => !document.body.innerText.includes('Loading...')", timeout=LOAD_TIMEOUT_MS
    )


def channel_then_device(page, base_url: str) -> dict:
    _open(page, base_url + "/en/funnel")
    _step_table(page).wait_for(timeout=LOAD_TIMEOUT_MS)
    before = _settled(page, _reading(page))
    choose_option(page, "Channel", CHANNEL)
    after_channel = _wait_for_change(page, before)
    choose_option(page, "Device", DEVICE)
    after_device = _wait_for_change(page, after_channel)
    return {
        "channel": CHANNEL,
        "device": DEVICE,
        "before": before,
        "after_channel": after_channel,
        "after_device": after_device,
    }


def loaded_text(page, base_url: str) -> dict:
    """The text of the page in both languages once every query has answered (the page
    visit of report_site_browser.py may read it while a table still says Loading...)."""
    texts = {}
    for lang in ("zh", "en"):
        _open(page, f"{base_url}/{lang}/funnel")
        texts[lang] = page.inner_text("body")
    return texts


INTERACTIONS = {
    "funnel_channel_then_device": channel_then_device,
    "funnel_loaded_text": loaded_text,
}
