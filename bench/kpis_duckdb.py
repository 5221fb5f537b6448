"""Core KPIs from a folder of raw parquet with one hand-written DuckDB SQL script.

    python bench/kpis_duckdb.py RAW_DIR OUT_DIR

Creates a view per raw table over RAW_DIR/<table>.parquet (or a folder RAW_DIR/<table>/ of
parquet parts), runs bench/kpis_duckdb.sql and writes its four kpi_* tables to
OUT_DIR/<kpi>.parquet. DuckDB gets the dbt profile's limits: SHOPKPI_THREADS threads
(default 2, as profiles.yml) and SHOPKPI_MEMORY_LIMIT when set.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import duckdb

TABLES = ("orders", "order_items", "refunds", "sessions", "events", "ad_spend")
KPIS = ("gmv_channel_days", "customer_rfm", "funnel_channel_days", "roi_channel_months")
SCRIPT = Path(__file__).with_name("kpis_duckdb.sql")


def parquet_glob(raw_dir: Path, table: str) -> str:
    single = raw_dir / f"{table}.parquet"
    return str(single) if single.is_file() else str(raw_dir / table / "**" / "*.parquet")


def main(raw_dir: Path, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"set threads = {int(os.environ.get('SHOPKPI_THREADS') or 2)}")
    if os.environ.get("SHOPKPI_MEMORY_LIMIT"):
        con.execute(f"set memory_limit = '{os.environ['SHOPKPI_MEMORY_LIMIT']}'")
    for table in TABLES:
        path = parquet_glob(raw_dir, table).replace("'", "''")
        con.execute(f"create view {table} as select * from read_parquet('{path}')")
    con.execute(SCRIPT.read_text())
    for kpi in KPIS:
        target = str(out_dir / f"{kpi}.parquet").replace("'", "''")
        con.execute(f"copy kpi_{kpi} to '{target}' (format parquet)")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
