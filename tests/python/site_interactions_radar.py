"""Interactions of the KPI radar page, run by report_site_browser.py.

Each opens the page, waits for both radars to be drawn (the ECharts instances Evidence keeps
on window for debugging), reads them and the dimension score table, and, for the input
interactions, works an input, waits for the radar to change and reads them again. The page
text the browser script records may be read before the tables that follow the inputs have
loaded: the default views are read here, once drawn, in both languages.
test_report_radar.py checks what they saw.
"""

from __future__ import annotations

# Every ECharts radar of the page: its axes and, per data item of its first series, the
# item's name and values.
READ_RADARS = """
() => {
    const charts = window[Symbol.for('__evidence-chart-window-debug__')] ?? {};
    return Object.values(charts).map((chart) => {
        const option = chart.getOption();
        const radar = (option.radar ?? [])[0];
        if (!radar) return null;
        return {
            axes: radar.indicator.map((axis) => axis.name),
            items: (option.series[0].data ?? []).map((item) => ({
                name: item.name,
                values: item.value
            }))
        };
    }).filter((radar) => radar !== null);
}
"""

# True once the first table (the dimension scores) has its five rows again, changed.
TABLE_CHANGED = """
(before) => {
    const table = document.querySelector('table');
    if (!table || table.innerText.includes('Loading')) return false;
    const rows = [...table.querySelectorAll('tr')].filter((row) => row.querySelector('td'));
    return rows.length === 5 && table.innerText !== before;
}
"""

# The rows of every table shown on the page (Evidence keeps a hidden copy of each), cell
# by cell: the first is the dimension scores, the second the categories.
READ_TABLES = """
() => [...document.querySelectorAll('table')]
    .filter((table) => table.checkVisibility())
    .map((table) =>
    [...table.querySelectorAll('tr')]
        .filter((row) => row.querySelector('td'))
        .map((row) => [...row.querySelectorAll('td')].map((cell) => cell.innerText.trim())))
"""

# True once both radars have their data and the score table its five rows.
RADARS_DRAWN = """
() => {
    const charts = Object.values(window[Symbol.for('__evidence-chart-window-debug__')] ?? {});
    const table = document.querySelector('table');
    return charts.length >= 2
        && charts.every((chart) => ((chart.getOption().series ?? [])[0]?.data ?? []).length > 0)
        && table !== null
        && [...table.querySelectorAll('tr')].filter((row) => row.querySelector('td')).length >= 5;
}
"""

# True once the dimension radar's first data item is named with the given period label.
RADAR_SHOWS = """
(label) => {
    const charts = window[Symbol.for('__evidence-chart-window-debug__')] ?? {};
    return Object.values(charts).some((chart) => {
        const first = (chart.getOption().series ?? [])[0]?.data?.[0];
        return Boolean(first && typeof first.name === 'string' && first.name.endsWith(label));
    });
}
"""


def _read(page) -> dict:
    tables = page.evaluate(READ_TABLES)
    return {
        "radars": page.evaluate(READ_RADARS),
        "rows": tables[0] if tables else [],
        "tables": tables,
        "headings": page.evaluate(
            "() => [...document.querySelectorAll('h2')].map((h) => h.innerText.trim())"
        ),
    }


def _open(page, base_url: str, lang: str = "en") -> dict:
    page.goto(f"{base_url}/{lang}/radar", wait_until="networkidle", timeout=60000)
    page.wait_for_function(RADARS_DRAWN, timeout=30000)
    page.wait_for_timeout(500)
    return _read(page)


def _table_text(page) -> str:
    return page.evaluate("() => document.querySelector('table')?.innerText ?? ''")


def _settle(page, label: str, table_before: str) -> dict:
    page.wait_for_function(RADAR_SHOWS, arg=label, timeout=30000)
    # The table follows the same query.
    page.wait_for_function(TABLE_CHANGED, arg=table_before, timeout=30000)
    page.wait_for_timeout(500)
    return _read(page)


def default_zh(page, base_url: str) -> dict:
    """The page as it opens in Chinese, once drawn."""
    return _open(page, base_url, "zh")


def default_en(page, base_url: str) -> dict:
    """The page as it opens in English, once drawn."""
    return _open(page, base_url, "en")


def choose_previous_month(page, base_url: str) -> dict:
    """Choose the second month of the month dropdown (newest first: the month before the
    default): the radar and the table show it."""
    before = _open(page, base_url)
    table_before = _table_text(page)
    page.get_by_role("combobox").filter(has_text="Month").click()
    option = page.get_by_role("option").nth(1)
    chosen = option.inner_text().strip()
    option.click()
    page.keyboard.press("Escape")
    after = _settle(page, chosen, table_before)
    return {"before": before, "after": after, "chosen": chosen}


def switch_to_weeks(page, base_url: str) -> dict:
    """Switch the grain to week: the radar shows the latest complete week by default."""
    before = _open(page, base_url)
    table_before = _table_text(page)
    page.get_by_role("button", name="Week", exact=True).click()
    page.wait_for_function(
        """() => {
            const charts = window[Symbol.for('__evidence-chart-window-debug__')] ?? {};
            return Object.values(charts).some((chart) =>
                /-W\\d\\d$/.test((chart.getOption().series ?? [])[0]?.data?.[0]?.name ?? ''));
        }""",
        timeout=30000,
    )
    page.wait_for_function(TABLE_CHANGED, arg=table_before, timeout=30000)
    page.wait_for_timeout(500)
    return {"before": before, "after": _read(page)}


INTERACTIONS = {
    "radar_default_zh": default_zh,
    "radar_default_en": default_en,
    "radar_choose_month": choose_previous_month,
    "radar_switch_to_weeks": switch_to_weeks,
}
