"""Building the report site for the tests, with no network, and reading what it shows.

``build_site`` copies the published demo, runs the quality gate on the copy (so the
data-quality page has gate results and Data Docs), then runs ``make reports-install`` and,
inside a network namespace with no network and under a timeout, ``make reports``: a step
that tries to download something fails or hangs, and either fails the test.

``browse_site`` serves the built site on 127.0.0.1 and opens every page in both languages
in Debian's Chromium (report_site_browser.py), also in a namespace with no network, and
runs the page interactions (site_interactions_*.py). The fixtures ``report_site`` and
``site_browser`` (conftest.py) do each once per session.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT, run_shopkpi

REPORTS = ROOT / "reports"
BROWSER_SCRIPT = Path(__file__).resolve().parent / "report_site_browser.py"
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
INSTALL_TIMEOUT = 900
BUILD_TIMEOUT = 900
BROWSE_TIMEOUT = 900


@dataclass(frozen=True)
class Site:
    """The built site (reports/build), the warehouse it was built from, and build times."""

    root: Path
    db: Path
    seconds: dict[str, float]

    def html(self, path: str) -> Path:
        """The built HTML file of a page address, e.g. /zh/funnel."""
        return self.root / path.strip("/") / "index.html"

    def text(self, path: str) -> str:
        """The prerendered page as text without tags, whitespace collapsed."""
        return page_text(self.html(path))


def page_text(page: Path) -> str:
    text = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", html.unescape(text))


def no_network(command: list[str]) -> list[str]:
    """`command` run in a network namespace of its own (a user namespace too when not root)."""
    unshare = shutil.which("unshare")
    assert unshare, "unshare (util-linux) is needed to build the report site with no network"
    flags = ["--net"] if os.geteuid() == 0 else ["--net", "--map-root-user"]
    return [unshare, *flags, "--", *command]


def run_timed(command: list[str], timeout: int, env: dict[str, str]) -> float:
    started = time.monotonic()
    try:
        result = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{' '.join(command)} hung for {timeout} s:\n{exc.stdout}\n{exc.stderr}")
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
    return time.monotonic() - started


def build_site(published_demo: Path, folder: Path) -> Site:
    db = folder / "shopkpi.duckdb"
    shutil.copyfile(published_demo, db)
    run_shopkpi(db, "quality")
    env = dict(os.environ, SHOPKPI_DB=str(db))
    make = shutil.which("make")
    assert make
    seconds = {"install": run_timed([make, "reports-install"], INSTALL_TIMEOUT, env)}
    shutil.rmtree(REPORTS / "build", ignore_errors=True)
    shutil.rmtree(REPORTS / ".evidence", ignore_errors=True)
    seconds["build"] = run_timed(no_network([make, "reports"]), BUILD_TIMEOUT, env)
    print(
        f"report site: npm ci (or up to date) {seconds['install']:.0f} s, "
        f"sources + build {seconds['build']:.0f} s"
    )
    assert (REPORTS / "build" / "index.html").is_file(), "evidence build wrote no index.html"
    return Site(REPORTS / "build", db, seconds)


def site_pages() -> list[str]:
    """Every page address of the site: the home page, then each page in both languages."""
    sys.path.insert(0, str(ROOT / "src"))
    from shopkpi.report_pages import LANGUAGES, pages

    return ["/"] + [page.path(lang) for page in pages(REPORTS / "templates") for lang in LANGUAGES]


def browse_site(site: Site) -> dict:
    """What Chromium saw on every page and in every interaction (report_site_browser.py)."""
    pytest.importorskip("playwright", reason="the dev extra installs Python playwright")
    assert Path(CHROMIUM).is_file(), "apt-get install chromium fonts-noto-cjk"
    command = [sys.executable, str(BROWSER_SCRIPT), str(site.root), str(SCREENSHOTS)]
    try:
        result = subprocess.run(
            no_network([*command, *site_pages()]),
            capture_output=True,
            text=True,
            timeout=BROWSE_TIMEOUT,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the browser hung for {BROWSE_TIMEOUT} s:\n{exc.stderr}")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
