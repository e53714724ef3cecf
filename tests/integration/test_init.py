"""`dms-dynamodb init` end to end, in a temporary copy of the checkout (never the repository's own stacks/).

The stacks it writes for the Sakila and shop DDL are linted (ruff, mypy --strict), registered, synthesized
once each from the edited registry, checked against their DDL and rehearsed with synthetic rows and CDC.
A third, from a live MariaDB, shows the DDL written beside the stack and a keyless table excluded.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import stacks
from dms_dynamodb.cli import main
from tests.conftest import ROOT
from tests.provider_stubs import write_stubs

BIN = Path(sys.executable).parent
#: name -> (DDL in the checkout, the database DMS reads)
GENERATED = {
    "sakila-init": ("stacks/sql/sakila-schema.sql", "yourdb"),
    "shop-init": ("stacks/sql/shop-schema.sql", "shop"),
}
AIRLINE_DDL = """
CREATE TABLE airport (code CHAR(3) NOT NULL, city VARCHAR(40) NOT NULL, PRIMARY KEY (code));
CREATE TABLE flight (flight_id INT NOT NULL, origin CHAR(3) NOT NULL, departs DATETIME NOT NULL,
  PRIMARY KEY (flight_id), CONSTRAINT fk_flight_origin FOREIGN KEY (origin) REFERENCES airport (code));
CREATE TABLE event_log (at DATETIME NOT NULL, message TEXT);
CREATE VIEW departures AS SELECT flight_id, origin FROM flight;
"""


def _checkout(path: Path) -> Path:
    """What init and make touch, copied; the packages the stacks import, linked."""
    shutil.copytree(ROOT / "stacks", path / "stacks", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("Makefile", "pyproject.toml", "requirements.lock", "package.json", "package-lock.json", "main.py"):
        shutil.copy(ROOT / name, path / name)
    shutil.copy(ROOT / "cdktf.json", path / "cdktf.json")
    for package in ("mappings", "constructs_lib"):
        (path / package).symlink_to(ROOT / package)
    return path


def _init(root: Path, name: str, *arguments: str) -> int:
    return main(["init", name, *arguments, "--root", str(root)])


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A checkout with both stacks written by init; its stacks/ is importable as part of the package."""
    root = _checkout(tmp_path_factory.mktemp("checkout"))
    for name, (ddl, schema) in GENERATED.items():
        assert _init(root, name, "--schema", str(root / ddl), "--schemas", schema) == 0
    stacks.__path__.append(str(root / "stacks"))
    try:
        yield root
    finally:
        stacks.__path__.remove(str(root / "stacks"))
        for module in [m for m in sys.modules if m.startswith(("stacks.sakila_init", "stacks.shop_init"))]:
            del sys.modules[module]


@pytest.fixture(scope="module")
def synthesized(checkout: Path) -> dict[str, Path]:
    """Each generated stack synthesized once, through the registry init edited, as Terraform JSON files."""
    from cdktf import Testing as TfTesting

    from stacks.config import StackConfig
    from tests.synth import synth

    spec = importlib.util.spec_from_file_location("init_edited_registry", checkout / "stacks" / "registry.py")
    assert spec is not None and spec.loader is not None
    registry = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(registry)
    paths = {}
    for name in GENERATED:
        path = checkout / f"{name}.tf.json"
        path.write_text(json.dumps(synth(registry.STACKS[name](TfTesting.app(), StackConfig()))))
        paths[name] = path
    return paths


def test_init_writes_the_stack_its_design_and_registers_both(checkout: Path) -> None:
    makefile = (checkout / "Makefile").read_text()
    assert (
        "\nDDL_sakila-init := stacks/sql/sakila-schema.sql\nDDL_shop-init := stacks/sql/shop-schema.sql\n" in makefile
    )
    assert "STACKS := sakila aurora-serverless minimal shop existing-source sakila-init shop-init\n" in makefile
    assert "DESIGN_shop-init := stacks.shop_init_design:DESIGN\n" in makefile
    registry = (checkout / "stacks" / "registry.py").read_text()
    assert '"shop-init": lambda app, config: ShopInitMigrationStack(app, "shop-init", config),' in registry
    design = (checkout / "stacks" / "sakila_init_design.py").read_text()
    assert 'SCHEMA = "yourdb"' in design
    assert (
        "        # film_actor: its primary key is two foreign keys (actor_id -> actor; film_id -> film)" not in design
    )
    assert (
        "        # film_actor: its primary key is two foreign keys (film_id -> film; actor_id -> actor): an" in design
    )


def test_the_generated_code_passes_ruff_and_mypy_strict(checkout: Path, tmp_path: Path) -> None:
    files = [f"stacks/{m}.py" for m in ("sakila_init", "sakila_init_design", "shop_init", "shop_init_design")]
    files.append("stacks/registry.py")
    for command in (["check", *files], ["format", "--check", *files]):
        result = subprocess.run([str(BIN / "ruff"), *command], cwd=checkout, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    write_stubs(tmp_path / "stubs")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--cache-dir", str(tmp_path / "cache"),
         "--config-file", "pyproject.toml", *files],
        cwd=checkout,
        env={"MYPYPATH": str(tmp_path / "stubs"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_generated_stacks_synthesize_with_the_drafted_table_and_mappings(synthesized: dict[str, Path]) -> None:
    document = json.loads(synthesized["sakila-init"].read_text())
    (table,) = document["resource"]["aws_dynamodb_table"].values()
    assert table["name"] == "sakila-init-table"
    assert [i["name"] for i in table["global_secondary_index"]] == ["GSI1"]
    (task,) = document["resource"]["aws_dms_replication_task"].values()
    rules = json.loads(task["table_mappings"].replace("$${", "${"))["rules"]  # Terraform's escape of ${
    selected = [r["object-locator"]["table-name"] for r in rules if r["rule-type"] == "selection"]
    assert len(selected) == 16 and {r["rule-action"] for r in rules if r["rule-type"] == "selection"} == {"explicit"}
    (film_actor,) = [r for r in rules if r["rule-name"] == "map-film-actor"]
    keys = {m["target-attribute-name"]: m["value"] for m in film_actor["mapping-parameters"]["attribute-mappings"]}
    assert keys == {
        "pk": "FILM#${film_id}",
        "sk": "ACTOR#${actor_id}",
        "gsi1pk": "ACTOR#${actor_id}",
        "gsi1sk": "FILM#${film_id}",
    }


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_check_stack_is_clean_against_the_ddl_it_came_from(
    name: str, checkout: Path, synthesized: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    ddl = str(checkout / GENERATED[name][0])
    assert main(["check-stack", "--stack", str(synthesized[name]), "--schema", ddl]) == 0
    assert ": 0 error(s), 0 warning(s)" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_the_generated_stack_rehearses_clean_with_its_access_patterns(
    name: str, checkout: Path, synthesized: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    ddl = str(checkout / GENERATED[name][0])
    design = f"stacks.{name.replace('-', '_')}_design:DESIGN"
    arguments = ["--ddl", ddl, "--rows", "50", "--cdc", "200", "--quiet", "--design", design]
    status = main(["rehearse", "--stack", str(synthesized[name]), *arguments])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "0 MISSING_TARGET, 0 MISSING_SOURCE, 0 RECORD_DIFF" in out and " 0 apply exceptions" in out
    first = {
        "sakila-init": "actor by actor_id (table, ACTOR#",
        "shop-init": "customer by customer_id (table, CUSTOMER#",
    }
    assert first[name] in out  # the drafted access patterns ran on the loaded table


def test_make_finds_the_new_stack_s_ddl_and_design(checkout: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}

    def dry_run(*arguments: str) -> str:
        result = subprocess.run(["make", "-n", *arguments], cwd=checkout, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "check-stack --stack sakila-init --schema stacks/sql/sakila-schema.sql" in dry_run(
        "check", "STACK=sakila-init"
    )
    rehearse = dry_run("rehearse", "STACK=shop-init")
    assert "--ddl stacks/sql/shop-schema.sql --rows 200" in rehearse
    assert "--design stacks.shop_init_design:DESIGN" in rehearse


def test_init_refuses_an_existing_stack_and_force_replaces_only_what_it_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _checkout(tmp_path)
    ddl = str(root / "stacks" / "sql" / "shop-schema.sql")
    assert _init(root, "orders", "--schema", ddl, "--schemas", "shop") == 0
    design = root / "stacks" / "orders_design.py"
    written = design.read_text()
    design.write_text(written.replace('SCHEMA = "shop"', 'SCHEMA = "edited"'))
    capsys.readouterr()
    assert _init(root, "orders", "--schema", ddl, "--schemas", "shop") == 2
    assert "stacks/orders.py exists: init does not overwrite a stack (--force replaces it)" in capsys.readouterr().err
    assert 'SCHEMA = "edited"' in design.read_text()  # refused: nothing written
    assert _init(root, "orders", "--schema", ddl, "--schemas", "shop", "--force") == 0
    assert design.read_text() == written
    registry = (root / "stacks" / "registry.py").read_text()
    assert registry.count('"orders": lambda') == 1 and registry.count("from stacks.orders import") == 1
    assert (root / "Makefile").read_text().count("DDL_orders :=") == 1
    capsys.readouterr()
    assert _init(root, "shop", "--schema", ddl, "--force") == 2  # stacks/shop.py is the example's own
    assert "stacks/shop.py was not written by init" in capsys.readouterr().err
    assert _init(root, "orders-2", "--schema", ddl, "--tables", "customer,nope") == 2
    assert (
        "has no table 'nope'; its tables: customer, product, orders, order_line, audit_log" in capsys.readouterr().err
    )
    assert not (root / "stacks" / "orders_2.py").exists()


def test_init_from_a_live_server_writes_its_ddl_and_excludes_a_keyless_table(
    mariadb: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cdktf import Testing as TfTesting

    from stacks.config import StackConfig
    from tests.synth import synth

    source = tmp_path / "airline.sql"
    source.write_text(AIRLINE_DDL)
    mariadb.execute_file("airline", source)
    root = _checkout(tmp_path / "checkout")
    assert _init(root, "airline", "--mysql-url", mariadb.url("airline")) == 0
    out = capsys.readouterr().out
    assert "excluded: event_log (no primary key)" in out and "views, not migrated: departures" in out
    ddl = root / "stacks" / "sql" / "airline-schema.sql"
    text = ddl.read_text()
    assert "-- Views, not migrated, are not written: departures." in text
    assert text.count("\nCREATE TABLE") == 3 and "VIEW" not in text.split("\n", 2)[2]
    assert "DDL_airline := stacks/sql/airline-schema.sql" in (root / "Makefile").read_text()
    design = (root / "stacks" / "airline_design.py").read_text()
    assert '    selection.append(exclude(SCHEMA, "event[_]log", rule_name="exclude-event-log"))' in design
    assert "    # event_log: no primary key: DMS's CDC needs one" in design
    stacks.__path__.append(str(root / "stacks"))
    try:
        stack = importlib.import_module("stacks.airline").AirlineMigrationStack(
            TfTesting.app(), "airline", StackConfig()
        )
        path = tmp_path / "airline.tf.json"
        path.write_text(json.dumps(synth(stack)))
    finally:
        stacks.__path__.remove(str(root / "stacks"))
        for module in [m for m in sys.modules if m.startswith("stacks.airline")]:
            del sys.modules[module]
    assert main(["check-stack", "--stack", str(path), "--schema", str(ddl)]) == 0
    assert main(["rehearse", "--stack", str(path), "--ddl", str(ddl), "--rows", "30", "--cdc", "60", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "2 tables: airline.airport, airline.flight" in out and "rehearsal finished" in out
