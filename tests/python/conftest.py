"""Shared fixtures: the demo shop's files and the warehouses built from them.

Every warehouse the tests read is built here, once per pytest session, by
``build_from_folder``: the path a user takes (``shopkpi load-raw`` then ``dbt build`` with
every model and test, or ``shopkpi build``, which also publishes the file). The named
warehouses, each in its own folder under pytest's temporary directory:

===========================  ==============================================================
``clean_warehouse``          the embedded demo shop (src/shopkpi/demo): load-raw, dbt build
``published_demo``           the same demo published by ``shopkpi build --demo --no-gate``
``dirty_warehouse``          the demo with every kind of bad row injected (``dirty_demo``)
``single_day_warehouse``     the demo cut to what happened on one shop day, ``SINGLE_DAY``
``no_repeat_warehouse``      the demo cut to each customer's first order: nobody buys twice
===========================  ==============================================================

They are shared by every test file: a test reads them and never writes to them (a test
that changes a warehouse works on ``copy_warehouse``). Tests using one are marked
``integration`` (``pytest -m "not integration"`` builds nothing).

``make test-python`` runs the tests on every core (pytest-xdist, ``-n``). Each worker builds
the warehouses its tests use, and writes dbt's target and logs and the quality gate's
folder in a folder of its own (``DBT_TARGET_PATH``, ``DBT_LOG_PATH``,
``SHOPKPI_QUALITY_DIR``), so that no two workers write the same file in the project. What
is written into the project itself is built once, under a lock the workers share, by the
first worker that needs it, and read by the others (``shared_once``): the report site in
``reports/`` and what the browser saw there.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from shopkpi.build import PRODUCTION_EXCLUDES

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEMO_DIR = ROOT / "src" / "shopkpi" / "demo"
# The one day of the single-day shop: the 618 sale, a busy day with every channel.
SINGLE_DAY = "2025-06-18"
# Every mart of the project, by model name (the files under models/marts).
MARTS = sorted(
    path.stem for path in (ROOT / "models" / "marts").rglob("*") if path.suffix in (".sql", ".py")
)
# The session's warehouses: a test that uses one (even through another fixture) is an
# integration test.
WAREHOUSES = (
    "clean_warehouse",
    "published_demo",
    "dirty_warehouse",
    "single_day_warehouse",
    "no_repeat_warehouse",
    "report_site",
)


def pytest_configure(config: pytest.Config) -> None:
    """On a pytest-xdist worker, dbt's target and logs and the gate's run folder go to a
    folder of the worker's own: every dbt and shopkpi command a test starts inherits them."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    import tempfile

    own = Path(tempfile.mkdtemp(prefix=f"shopkpi-tests-{worker}-"))
    os.environ["DBT_TARGET_PATH"] = str(own / "target")
    os.environ["DBT_LOG_PATH"] = str(own / "logs")
    os.environ["SHOPKPI_QUALITY_DIR"] = str(own / "quality")
    # A worker's main module has neither a spec nor a file. pyspark (the spark extra), which
    # Great Expectations imports when it is installed, takes such a process for a doctest
    # run and exits; the worker's main module is given a file name, as a script has.
    main = sys.modules["__main__"]
    if getattr(main, "__spec__", None) is None and not hasattr(main, "__file__"):
        main.__file__ = f"<pytest-xdist worker {worker}>"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if set(WAREHOUSES) & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)


def _shared_folder(tmp_path_factory) -> Path:
    """A folder every worker of this pytest run sees (the parent of the workers' own)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def project_lock(tmp_path_factory, name: str):
    """Held by one worker at a time: for work that writes a file in the project."""
    with (_shared_folder(tmp_path_factory) / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def shared_once(tmp_path_factory, name: str, build):
    """``build()``'s JSON-able result, built by the first worker that asks for it (under
    ``project_lock``) and read by the others: for what is built into the project itself."""
    with project_lock(tmp_path_factory, name):
        done = _shared_folder(tmp_path_factory) / f"{name}.json"
        if done.is_file():
            return json.loads(done.read_text(encoding="utf-8"))
        result = build()
        done.write_text(json.dumps(result), encoding="utf-8")
        return result


# --------------------------------------------------------------------------- building


def _env(db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SHOPKPI_DB=str(db),
        SHOPKPI_PROJECT_DIR=str(ROOT),
        DBT_PROFILES_DIR=str(ROOT),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
    )
    return env


def run_dbt(db: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run dbt in the project against the warehouse file ``db``; fail with its output
    (with ``check`` false, return whatever dbt exited with)."""
    result = subprocess.run(
        [
            str(BIN / "dbt"),
            *args,
            "--no-use-colors",
            "--target-path",
            str(db.parent / "target"),
            "--log-path",
            str(db.parent / "logs"),
        ],
        cwd=ROOT,
        env=_env(db),
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}")
    return result


def run_shopkpi(db: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the ``shopkpi`` command against the warehouse file ``db``; fail with its output."""
    result = subprocess.run(
        [str(BIN / "shopkpi"), *args, "--db", str(db)],
        cwd=ROOT,
        env=_env(db),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"shopkpi {' '.join(args)} exited {result.returncode}:\n"
            f"{result.stdout[-4000:]}{result.stderr[-2000:]}"
        )
    return result


def build_from_folder(raw_dir: Path | None, db: Path, *, publish: bool = False) -> Path:
    """Build the warehouse ``db`` from a folder of contract files (``None``: the embedded
    demo) the way a user does, with every model and every data test:
    ``shopkpi load-raw`` then ``dbt build`` without the unit tests (fixed fixtures, not the
    data: `make test-dbt` runs them), or with ``publish`` ``shopkpi build --no-gate``
    (`make run` without the gate: load, build, publish)."""
    source = ["--demo"] if raw_dir is None else ["--dir", str(raw_dir)]
    if publish:
        run_shopkpi(db, "build", *source, "--no-gate")
    else:
        run_shopkpi(db, "load-raw", *source)
        run_dbt(db, "build", *PRODUCTION_EXCLUDES)
    return db


def copy_warehouse(db: Path, folder: Path) -> Path:
    """A copy of a warehouse under the same file name, for a test that changes it."""
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(db, folder / db.name))


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


# --------------------------------------------------------------------------- cut demo shops


def _demo_csv(table: str) -> str:
    return f"read_csv('{DEMO_DIR / (table + '.csv')}', all_varchar = true, header = true)"


def write_cut_of_the_demo(out: Path, tables: dict[str, str], setup: tuple[str, ...] = ()) -> Path:
    """Write ``<out>/<table>.csv`` for every contract table from a SELECT over the demo's
    files (``_demo_csv``), text kept exactly as in the demo; ``setup`` runs first."""
    from shopkpi.contract import TABLES

    assert sorted(tables) == sorted(TABLES), "say what the cut keeps of every contract table"
    out.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        for sql in setup:
            con.execute(sql)
        for table, sql in tables.items():
            con.execute(f"copy ({sql}) to '{out / (table + '.csv')}' (header, delimiter ',')")
    return out


def write_no_repeat_shop(out: Path) -> Path:
    """The demo where every customer keeps only their earliest order (any status), with its
    lines, refunds and reviews: nobody buys twice. Everything else is kept whole."""
    kept = "(select order_id from kept_orders)"
    return write_cut_of_the_demo(
        out,
        {
            "orders": "select * from kept_orders",
            "order_items": f"select * from {_demo_csv('order_items')} where order_id in {kept}",
            "refunds": f"select * from {_demo_csv('refunds')} where order_id in {kept}",
            "reviews": f"select * from {_demo_csv('reviews')} where order_id in {kept}",
            **{
                table: f"select * from {_demo_csv(table)}"
                for table in (
                    "customers",
                    "products",
                    "sessions",
                    "events",
                    "campaigns",
                    "ad_spend",
                    "marketing_budgets",
                    "inventory_snapshots",
                    "kpi_targets",
                    "kpi_benchmarks",
                )
            },
        },
        setup=(
            f"""
            create table kept_orders as
            select * from {_demo_csv("orders")}
            qualify row_number() over (
                partition by customer_id order by ordered_at, order_id
            ) = 1
            """,
        ),
    )


def write_single_day_shop(out: Path, day: str = SINGLE_DAY) -> Path:
    """The demo cut to what happened on one shop day: orders created and (if paid) paid that
    day, their lines and that day's refunds and reviews; that day's sessions, events, spend
    and stock; the day's month of budgets. Customers, products, campaigns, the KPI targets
    and the benchmarks stay whole."""
    on_day = f"left({{}}, 10) = '{day}'"
    orders = "(select order_id from kept_orders)"
    sessions = "(select session_id from kept_sessions)"
    return write_cut_of_the_demo(
        out,
        {
            "customers": f"select * from {_demo_csv('customers')}",
            "products": f"select * from {_demo_csv('products')}",
            "campaigns": f"select * from {_demo_csv('campaigns')}",
            "orders": "select * from kept_orders",
            "order_items": f"select * from {_demo_csv('order_items')} where order_id in {orders}",
            "refunds": f"select * from {_demo_csv('refunds')} where order_id in {orders} "
            f"and {on_day.format('refunded_at')}",
            "reviews": f"select * from {_demo_csv('reviews')} where order_id in {orders} "
            f"and {on_day.format('reviewed_at')}",
            "sessions": "select * from kept_sessions",
            "events": f"select * from {_demo_csv('events')} where session_id in {sessions} "
            f"and {on_day.format('occurred_at')}",
            "ad_spend": f"select * from {_demo_csv('ad_spend')} where spend_date = '{day}'",
            "marketing_budgets": f"select * from {_demo_csv('marketing_budgets')} "
            f"where budget_month = '{day[:8]}01'",
            "inventory_snapshots": f"select * from {_demo_csv('inventory_snapshots')} "
            f"where snapshot_date = '{day}'",
            "kpi_targets": f"select * from {_demo_csv('kpi_targets')}",
            "kpi_benchmarks": f"select * from {_demo_csv('kpi_benchmarks')}",
        },
        setup=(
            f"""
            create table kept_orders as
            select * from {_demo_csv("orders")}
            where {on_day.format("ordered_at")}
                and (paid_at is null or {on_day.format("paid_at")})
            """,
            f"create table kept_sessions as select * from {_demo_csv('sessions')} "
            f"where {on_day.format('started_at')}",
        ),
    )


# --------------------------------------------------------------------------- demo files


@pytest.fixture(scope="session")
def clean_demo(tmp_path_factory) -> Path:
    """The demo shop exactly as `make generate-demo` writes it, in a scratch folder."""
    from shopkpi.generator import generate

    out = tmp_path_factory.mktemp("clean_demo")
    generate("demo", 42, out, "csv")
    return out


@pytest.fixture(scope="session")
def dirty_demo(tmp_path_factory) -> tuple[Path, dict]:
    """The demo shop with every kind of bad row injected, and its manifest."""
    from shopkpi.generator import generate

    out = tmp_path_factory.mktemp("dirty_demo")
    generate("demo", 42, out, "csv", dirty=True)
    manifest = json.loads((out / "dirty_manifest.json").read_text(encoding="utf-8"))
    return out, manifest


# --------------------------------------------------------------------------- warehouses


@pytest.fixture(scope="session")
def clean_warehouse(tmp_path_factory) -> Path:
    """The embedded demo: `shopkpi load-raw --demo`, then `dbt build`."""
    return build_from_folder(None, tmp_path_factory.mktemp("clean_wh") / "clean.duckdb")


@pytest.fixture(scope="session")
def published_demo(tmp_path_factory) -> Path:
    """The embedded demo published by `shopkpi build --demo --no-gate` (the gate is left out
    to save time), as ``shopkpi.duckdb`` in a folder of its own."""
    db = tmp_path_factory.mktemp("published_wh") / "shopkpi.duckdb"
    return build_from_folder(None, db, publish=True)


@pytest.fixture(scope="session")
def dirty_warehouse(dirty_demo, tmp_path_factory) -> Path:
    raw_dir, _ = dirty_demo
    return build_from_folder(raw_dir, tmp_path_factory.mktemp("dirty_wh") / "dirty.duckdb")


@pytest.fixture(scope="session")
def single_day_warehouse(tmp_path_factory) -> Path:
    """The single-day shop (``write_single_day_shop``), built with every model and test."""
    raw = write_single_day_shop(tmp_path_factory.mktemp("single_day_raw"))
    return build_from_folder(raw, tmp_path_factory.mktemp("single_day_wh") / "single_day.duckdb")


@pytest.fixture(scope="session")
def no_repeat_warehouse(tmp_path_factory) -> Path:
    """The shop where nobody buys twice (``write_no_repeat_shop``), built with every model
    and test."""
    raw = write_no_repeat_shop(tmp_path_factory.mktemp("no_repeat_raw"))
    return build_from_folder(raw, tmp_path_factory.mktemp("no_repeat_wh") / "no_repeat.duckdb")


# --------------------------------------------------------------------------- report site


@pytest.fixture(scope="session")
def report_site(tmp_path_factory, request):
    """The report site built with no network from a copy of the published demo on which the
    quality gate ran (report_site.py): a ``Site`` with the build folder and the warehouse.
    Built once per run, into ``reports/``, by the first worker that needs it."""
    from report_site import Site, build_site

    def build() -> dict:
        published = request.getfixturevalue("published_demo")
        site = build_site(published, tmp_path_factory.mktemp("report_site"))
        return {"root": str(site.root), "db": str(site.db), "seconds": site.seconds}

    built = shared_once(tmp_path_factory, "report_site", build)
    return Site(Path(built["root"]), Path(built["db"]), built["seconds"])


@pytest.fixture(scope="session")
def site_browser(report_site, tmp_path_factory) -> dict:
    """What Chromium saw on every page in both languages and in every page interaction:
    ``{"pages": {address: seen}, "interactions": {name: seen}}`` (report_site_browser.py)."""
    from report_site import browse_site

    return shared_once(tmp_path_factory, "site_browser", lambda: browse_site(report_site))
