"""Open the built report site in Chromium and report what the browser saw, as JSON.

Run by test_report_site.py inside a network namespace of its own (`unshare --net`): it
brings the namespace's loopback up, serves the site folder on 127.0.0.1, opens each page
with Debian's Chromium through Playwright and prints one JSON object: console errors,
failed requests (HTTP errors included), requests to any other host, the page's text, the
row counts duckdb-wasm holds in the browser for each source table, and the screenshots.

Then it runs the interactions: every ``INTERACTIONS`` entry of the modules
``site_interactions_*.py`` beside this file, a function ``(page, base_url) -> dict`` that
opens a page, works its inputs (a filter, a switch) and returns what it saw (JSON-able).
Each gets a fresh page with the same listeners; its console errors, failed and outside
requests are reported beside its result.

    python report_site_browser.py SITE_DIR SCREENSHOT_DIR [PAGE ...]
"""

from __future__ import annotations

import functools
import http.server
import importlib
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Asks the page's duckdb-wasm (Evidence keeps it on window) how many rows each table holds.
COUNT_TABLES = """
async () => {
    const db = window[Symbol.for('EVIDENCE_QUERY_ENGINE')];
    if (!db) return null;
    const manifest = await (await fetch('/data/manifest.json')).json();
    const expected = Object.values(manifest.renderedFiles ?? {}).flat().length;
    const deadline = Date.now() + 30000;
    const connection = await db.connect();
    try {
        let tables = [];
        while (Date.now() < deadline) {
            tables = (await connection.query(
                "select table_schema || '.' || table_name as name from information_schema.tables"
                + " where table_schema = 'warehouse' and table_name not like '%__shopkpi_arrow'"
                + " order by name"
            )).toArray().map((row) => row.name);
            if (tables.length >= expected) break;
            await new Promise((resolve) => setTimeout(resolve, 250));
        }
        const counts = {};
        for (const name of tables) {
            const result = await connection.query(`select count(*) as n from ${name}`);
            counts[name] = Number(result.toArray()[0].n);
        }
        return counts;
    } finally {
        await connection.close();
    }
}
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def _request_sent(seen: dict, request) -> None:
    """Any request for another host than this machine (data: and blob: URLs are local)."""
    url = urlsplit(request.url)
    if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in LOCAL_HOSTS:
        seen["outside_requests"].append(request.url)


def _request_failed(seen: dict, request) -> None:
    """A failed request, except a query result (.arrow) that the page stopped reading after
    a 200: Evidence's Arrow reader cancels the body once it has read the end of the stream,
    which Chromium reports as net::ERR_ABORTED."""
    response = request.response()
    status = response.status if response else None
    if urlsplit(request.url).path.endswith(".arrow") and status == 200:
        seen["aborted_after_200"].append(request.url)
        return
    seen["failed_requests"].append(f"{request.url} {request.failure} (HTTP {status})")


def wait_until_loaded(page, timeout_ms: int = 60000) -> None:
    """Wait until no table or chart of the page still says Loading... (on a busy machine the
    browser's queries can finish after the network is idle)."""
    page.wait_for_function(
        "() => !document.body.innerText.includes('Loading...')", timeout=timeout_ms
    )


def _interactions() -> dict:
    """Every INTERACTIONS entry of the site_interactions_*.py modules beside this file."""
    folder = Path(__file__).resolve().parent
    sys.path.insert(0, str(folder))
    found = {}
    for module_file in sorted(folder.glob("site_interactions_*.py")):
        module = importlib.import_module(module_file.stem)
        for name, function in module.INTERACTIONS.items():
            assert name not in found, f"interaction {name} is defined twice"
            found[name] = function
    return found


def _new_page(browser):
    """A page whose console errors, failed requests and requests to other hosts are kept."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    seen = {
        "console_errors": [],
        "failed_requests": [],
        "aborted_after_200": [],
        "outside_requests": [],
    }
    page.on(
        "console",
        lambda msg: msg.type == "error" and seen["console_errors"].append(msg.text),
    )
    page.on("pageerror", lambda exc: seen["console_errors"].append(str(exc)))
    page.on("requestfailed", functools.partial(_request_failed, seen))
    page.on(
        "response",
        lambda res: (
            res.status >= 400 and seen["failed_requests"].append(f"{res.url} HTTP {res.status}")
        ),
    )
    page.on("request", functools.partial(_request_sent, seen))
    return page, seen


def main(site: Path, screenshots: Path, pages: list[str]) -> dict:
    if shutil.which("ip"):
        subprocess.run(["ip", "link", "set", "lo", "up"], check=False)
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    screenshots.mkdir(parents=True, exist_ok=True)
    report: dict = {"pages": {}, "interactions": {}}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
            )
            for page_path in pages:
                page, seen = _new_page(browser)
                page.goto(base + page_path, wait_until="networkidle", timeout=60000)
                seen["tables"] = page.evaluate(COUNT_TABLES)
                page.wait_for_load_state("networkidle")
                wait_until_loaded(page)
                seen["text"] = page.inner_text("body")
                name = page_path.strip("/").replace("/", "_") or "index"
                shot = screenshots / f"{name}.png"
                page.screenshot(path=str(shot), full_page=True)
                seen["screenshot"] = str(shot)
                # The first screen alone, as a reader opening the page sees it (the README's).
                page.screenshot(path=str(screenshots / f"{name}_first_screen.png"))
                report["pages"][page_path] = seen
                page.close()
            for name, interaction in sorted(_interactions().items()):
                page, seen = _new_page(browser)
                try:
                    seen["result"] = interaction(page, base)
                except Exception as error:  # noqa: BLE001 - reported to the test, which fails
                    seen["error"] = f"{type(error).__name__}: {error}"
                report["interactions"][name] = seen
                page.close()
            browser.close()
    finally:
        server.shutdown()
    return report


if __name__ == "__main__":
    site_dir, screenshot_dir, *page_paths = sys.argv[1:]
    print(json.dumps(main(Path(site_dir), Path(screenshot_dir), page_paths or ["/"])))
