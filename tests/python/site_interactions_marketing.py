"""The marketing page's interactions, run by report_site_browser.py on a fresh page each.

``marketing_attribution_switch`` reads the monthly ROI review table, the table of months
under the pause line and a picture of the channel ROI chart under the default attribution
model, clicks "First touch", waits for the table to change, and reads them again.
test_report_marketing.py checks what it saw against the marts.
"""

from __future__ import annotations

import hashlib
import time

PAGE = "/en/marketing"
SWITCH_TO = "First touch"
# ECharts animates a chart's change for about a second: its picture is taken after that.
CHART_SETTLE_SECONDS = 2.0
CHANGE_TIMEOUT_SECONDS = 30.0


def _tables(page) -> dict:
    return {
        "roi_review": page.locator("[data-testid=DataTable-roi_review]").inner_text(),
        "paused": page.locator("[data-testid=DataTable-paused]").inner_text(),
    }


def _chart_picture(page) -> str:
    # The first chart of the page is the channel ROI by month.
    chart = page.locator("div.chart").first
    chart.scroll_into_view_if_needed()
    time.sleep(CHART_SETTLE_SECONDS)
    return hashlib.sha256(chart.screenshot()).hexdigest()


def _selected_model(page) -> str:
    # The chosen button of the attribution switch carries the primary text colour.
    return page.locator("div[role=group] button.text-primary").first.inner_text().strip()


def attribution_switch(page, base_url: str) -> dict:
    page.goto(base_url + PAGE, wait_until="networkidle")
    page.locator("[data-testid=DataTable-roi_review] td").first.wait_for()
    before = _tables(page)
    before["model"] = _selected_model(page)
    before["chart"] = _chart_picture(page)

    page.get_by_role("button", name=SWITCH_TO, exact=True).click()
    deadline = time.monotonic() + CHANGE_TIMEOUT_SECONDS
    after = _tables(page)
    while after["roi_review"] == before["roi_review"] and time.monotonic() < deadline:
        time.sleep(0.25)
        after = _tables(page)
    page.wait_for_load_state("networkidle")
    after = _tables(page)
    after["model"] = _selected_model(page)
    after["chart"] = _chart_picture(page)
    return {"before": before, "after": after}


INTERACTIONS = {"marketing_attribution_switch": attribution_switch}
