"""The raw contract is defined once (shopkpi.contract); the dbt project must agree with it."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import yaml

from shopkpi.contract import RULES, TABLES, dbt_sources_yaml

ROOT = Path(__file__).resolve().parents[2]


def _project() -> dict:
    return yaml.safe_load((ROOT / "dbt_project.yml").read_text(encoding="utf-8"))


def test_sources_file_is_written_from_the_contract():
    """`make contract` writes the dbt sources of the raw layer; the committed file is that."""
    committed = (ROOT / "models/staging/shop/_shop__sources.yml").read_text(encoding="utf-8")
    assert committed == dbt_sources_yaml(), "run `make contract` and commit the sources file"


def test_sources_declare_every_stored_column_of_every_contract_table():
    sources = yaml.safe_load(
        (ROOT / "models/staging/shop/_shop__sources.yml").read_text(encoding="utf-8")
    )
    shop = next(s for s in sources["sources"] if s["name"] == "shop")
    declared = {t["name"]: [c["name"] for c in t["columns"]] for t in shop["tables"]}
    assert declared == {
        name: [column for column, _ in t.stored_columns] for name, t in TABLES.items()
    }


def test_demo_is_loaded_by_the_loader_not_seeded_by_dbt():
    """No dbt command can put the demo over a shop's loaded raw rows."""
    assert "demo" not in (_project().get("seeds", {}).get("shopkpi", {}))
    assert not (ROOT / "seeds" / "demo").exists()


def test_every_contract_table_has_base_staging_and_clean_models():
    for name in TABLES:
        assert (ROOT / f"models/staging/shop/base/base_shop__{name}.sql").is_file(), name
        assert (ROOT / f"models/staging/shop/stg_shop__{name}.sql").is_file(), name


def test_shop_tables_macro_lists_the_contract_tables():
    macro = (ROOT / "macros/shop_tables.sql").read_text(encoding="utf-8")
    listed = re.findall(r"'(\w+)'", macro)
    assert sorted(listed) == sorted(TABLES)


def test_rule_priority_is_the_same_in_contract_seed_and_macro():
    with (ROOT / "seeds/reference/dq_rules.csv").open(encoding="utf-8") as handle:
        seed = sorted(csv.DictReader(handle), key=lambda row: int(row["priority"]))
    assert [row["dq_rule"] for row in seed] == list(RULES)
    assert [row["description"] for row in seed] == list(RULES.values())
    macro = (ROOT / "macros/data_quality.sql").read_text(encoding="utf-8")
    block = macro.split("dq_rules_in_priority")[1].split("endmacro")[0]
    assert re.findall(r"'(\w+)'", block) == list(RULES)


def test_channels_seed_flags_are_consistent_with_groups():
    with (ROOT / "seeds/reference/channels.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows, "channels seed is empty"
    flag_for_group = {
        "paid": "is_paid",
        "organic": "is_organic",
        "private_domain": "is_private_domain",
        "referral": "is_referral",
    }
    for row in rows:
        flags = {flag: row[flag] == "true" for flag in flag_for_group.values()}
        assert flags == {f: f == flag_for_group[row["channel_group"]] for f in flags}, row
