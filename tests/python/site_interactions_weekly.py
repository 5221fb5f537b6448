"""Interactions of the weekly report page, run by report_site_browser.py.

Each opens the page and waits for the table of the 30 core KPIs and the GMV chart to be
drawn. The default views (both languages) are read here, once drawn: the page text the
browser script records may be read before the table that follows the week dropdown has
loaded. Choosing another week in the dropdown changes the table; test_report_weekly.py
checks that the rows after the choice are that week's.
"""

from __future__ import annotations

# The rows of every table shown on the page (Evidence keeps a hidden copy of each), cell
# by cell: the first is the 30 core KPIs and their group headers, the second the forecast
# days.
READ_TABLES = """
() => [...document.querySelectorAll('table')]
    .filter((table) => table.checkVisibility())
    .map((table) =>
    [...table.querySelectorAll('tr')]
        .filter((row) => row.querySelector('td'))
        .map((row) => [...row.querySelectorAll('td')].map((cell) => cell.innerText.trim())))
"""

# The GMV chart (ECharts, kept on window by Evidence for debugging): its days and, per
# series, the name and values ('-' where a series has no value).
READ_CHARTS = """
() => Object.values(window[Symbol.for('__evidence-chart-window-debug__')] ?? {})
    .map((chart) => {
        const option = chart.getOption();
        return {
            days: option.xAxis?.[0]?.data ?? [],
            series: option.series.map((series) => ({ name: series.name, data: series.data }))
        };
    })
"""

# True once the KPI table has its 30 rows and 5 group headers, and the chart its data.
DRAWN = """
() => {
    const table = document.querySelector('table');
    const charts = Object.values(window[Symbol.for('__evidence-chart-window-debug__')] ?? {});
    return table !== null
        && [...table.querySelectorAll('tr')].filter((row) => row.querySelector('td')).length >= 35
        && charts.some((chart) => (chart.getOption().series?.[0]?.data ?? []).length > 0);
}
"""


def _read(page) -> dict:
    tables = page.evaluate(READ_TABLES)
    return {
        "headings": page.evaluate(
            "() => [...document.querySelectorAll('h2')].map((h) => h.innerText.trim())"
        ),
        "rows": tables[0] if tables else [],
        "tables": tables,
        "charts": page.evaluate(READ_CHARTS),
        "text": page.inner_text("body"),
    }


def _open(page, base_url: str, lang: str) -> dict:
    page.goto(f"{base_url}/{lang}/weekly", wait_until="networkidle", timeout=60000)
    page.wait_for_function(DRAWN, timeout=30000)
    page.wait_for_timeout(500)
    return _read(page)


def default_zh(page, base_url: str) -> dict:
    """The page as it opens in Chinese, once drawn."""
    return _open(page, base_url, "zh")


def default_en(page, base_url: str) -> dict:
    """The page as it opens in English, once drawn."""
    return _open(page, base_url, "en")


def choose_previous_week(page, base_url: str) -> dict:
    """Choose the second week of the dropdown (newest first: the week before the default)."""
    before = _open(page, base_url, "en")
    table_before = page.evaluate("() => document.querySelector('table').innerText")
    page.get_by_role("combobox").filter(has_text="Week").click()
    option = page.get_by_role("option").nth(1)
    chosen = option.inner_text().strip()
    option.click()
    page.keyboard.press("Escape")
    week_label = chosen.split(" ")[0]
    # The heading names the chosen week, and the KPI table is back, changed.
    page.wait_for_function(
        """([label, before]) => {
            const heading = [...document.querySelectorAll('h2')]
                .some((h) => h.innerText.startsWith('Week ' + label)
                    && !h.innerText.includes('Loading'));
            const table = document.querySelector('table');
            const rows = table
                ? [...table.querySelectorAll('tr')].filter((row) => row.querySelector('td'))
                : [];
            return heading && rows.length >= 35 && table.innerText !== before;
        }""",
        arg=[week_label, table_before],
        timeout=30000,
    )
    page.wait_for_timeout(500)
    after = _read(page)
    del before["text"], after["text"]
    return {"before": before, "after": after, "chosen": chosen}


INTERACTIONS = {
    "weekly_default_zh": default_zh,
    "weekly_default_en": default_en,
    "weekly_choose_week": choose_previous_week,
}
