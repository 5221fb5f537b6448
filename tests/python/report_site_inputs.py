"""What the page interactions (site_interactions_*.py) share: working an Evidence dropdown
and reading a table's cells. Not an interactions module itself (the browser script loads
only site_interactions_*.py)."""

from __future__ import annotations


def choose_option(page, filter_title: str, option: str) -> None:
    """Open the dropdown titled ``filter_title`` and pick ``option`` (searching for it)."""
    page.locator("button", has_text=filter_title).first.click()
    search = page.locator("input[placeholder]").last
    if search.count():
        search.fill(option)
    page.locator("[role=option]", has_text=option).first.click()
    page.keyboard.press("Escape")


def table_cells(table) -> list[list[str]]:
    """A table's body rows as lists of cell texts (header rows, which have no td, left out)."""
    rows = table.locator("tr")
    return [
        cells
        for cells in (
            [cell.strip() for cell in rows.nth(i).locator("td").all_inner_texts()]
            for i in range(rows.count())
        )
        if cells
    ]
