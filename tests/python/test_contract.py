"""The raw contract is defined once (shopkpi.contract); the dbt project must agree with it."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

from shopkpi import contract_artefacts
from shopkpi.cli import main
from shopkpi.contract import RULES, TABLES, tables_parents_first

ROOT = Path(__file__).resolve().parents[2]


def _project() -> dict:
    return yaml.safe_load((ROOT / "dbt_project.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("relative", list(contract_artefacts.ARTEFACTS))
def test_committed_file_is_what_the_contract_writes(relative):
    """`make contract` writes these files from src/shopkpi/contract.py; the committed file is
    byte for byte that (an edit by hand, or a contract change without `make contract`, fails
    here, naming the file)."""
    path = ROOT / relative
    expected = contract_artefacts.ARTEFACTS[relative]()
    assert path.is_file(), f"{relative} is missing: run `make contract` and commit it"
    assert path.read_bytes() == expected.encode("utf-8"), (
        f"{relative} differs from what src/shopkpi/contract.py writes: run `make contract` "
        "and commit it (do not edit it by hand)"
    )


def test_generated_files_say_so_and_are_stable():
    """Every generated file but the CSV opens with the one-line header; the CSV's seed says it
    in its description. Two writes give the same bytes."""
    files = contract_artefacts.artefacts()
    assert files == contract_artefacts.artefacts()
    for relative, text in files.items():
        if relative.endswith(".csv"):
            continue
        first = text.splitlines()[0]
        assert contract_artefacts.HEADER in first and len(first) <= 100, relative
    seed = yaml.safe_load(files["seeds/reference/_reference__dq_rules.yml"])["seeds"][0]
    assert "`make contract`" in seed["description"] and "by hand" in seed["description"]


def test_contract_check_names_a_stale_file_and_write_restores_it(tmp_path, capsys):
    """`shopkpi contract --check` exits 1 naming each file that differs; `shopkpi contract`
    rewrites it."""
    for relative, text in contract_artefacts.artefacts().items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_bytes(text.encode("utf-8"))
    assert contract_artefacts.stale_files(tmp_path) == []
    # A project folder is one with a dbt_project.yml (shopkpi.warehouse.project_dir).
    (tmp_path / "dbt_project.yml").write_text("name: shopkpi\n", encoding="utf-8")
    edited = tmp_path / "seeds/reference/dq_rules.csv"
    edited.write_text(edited.read_text(encoding="utf-8").replace(",1,", ",12,"), encoding="utf-8")
    (tmp_path / "macros/shop_tables.sql").unlink()
    assert contract_artefacts.stale_files(tmp_path) == [
        "macros/shop_tables.sql",
        "seeds/reference/dq_rules.csv",
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SHOPKPI_PROJECT_DIR", str(tmp_path))
        assert main(["contract", "--check"]) == 1
        err = capsys.readouterr().err
        assert "seeds/reference/dq_rules.csv: differs" in err
        assert "macros/shop_tables.sql: is missing, not what" in err
        assert main(["contract"]) == 0
        assert main(["contract", "--check"]) == 0
    assert contract_artefacts.stale_files(tmp_path) == []


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


def test_dq_rules_seed_reads_back_as_the_contract_rules():
    rows = list(csv.DictReader(contract_artefacts.dq_rules_csv().splitlines()))
    assert [(r["dq_rule"], int(r["priority"]), r["description"]) for r in rows] == [
        (rule, priority, text) for priority, (rule, text) in enumerate(RULES.items(), start=1)
    ]


def test_tables_parents_first_lists_every_table_after_its_parents():
    order = tables_parents_first()
    assert sorted(order) == sorted(TABLES)
    for name, table in TABLES.items():
        assert all(order.index(parent) < order.index(name) for parent in table.parents), name


def test_contract_parents_are_the_base_models_the_staging_checks_read():
    """Table.parents are the tables whose base model a table's orphan_reference /
    parent_quarantined checks read (soft references such as orders.session_id are none)."""
    for name, table in TABLES.items():
        sql = (ROOT / f"models/staging/shop/base/base_shop__{name}.sql").read_text(encoding="utf-8")
        read = set(re.findall(r"ref\('base_shop__(\w+)'\)", sql)) - {name}
        assert read == set(table.parents), name


def test_seed_column_types_are_in_each_seeds_properties_file():
    """Seed column types live beside each seed (dbt_project.yml keeps folder-level config)."""
    reference = _project()["seeds"]["shopkpi"]["reference"]
    assert reference == {"+schema": "reference"}
    declared = {}
    for path in sorted((ROOT / "seeds/reference").glob("*.yml")):
        for seed in yaml.safe_load(path.read_text(encoding="utf-8"))["seeds"]:
            declared[seed["name"]] = seed.get("config", {}).get("column_types")
    for csv_path in sorted((ROOT / "seeds/reference").glob("*.csv")):
        with csv_path.open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert list(declared.get(csv_path.stem) or {}) == header, csv_path.name


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
