"""``init`` never registers a stack that fails the project's own checks, whatever its name or its columns.

Names that sort before, between and after the example stacks' modules (``a-shop``, ``my-shop``, ``zoo``,
``shop2`` before ``shop10``) must come out in ruff's import order, in the stack module and in the registry;
a key column no ``${}`` template can hold (``acct$no``) is left out with a comment naming it, and the stack
still synthesizes and checks clean against the DDL it came from.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from dms_dynamodb.cli import main
from tests.integration.test_init import BIN, _checkout, _init
from tests.provider_stubs import write_stubs

NAMES = ("my-shop", "a-shop", "zoo", "base-2", "shop2", "shop10", "sakila-2", "config-x", "m")
DDL = """
CREATE TABLE account (`acct$no` INT NOT NULL, owner VARCHAR(20) NOT NULL, PRIMARY KEY (`acct$no`));
CREATE TABLE holder (holder_id INT NOT NULL, `acct$no` INT NOT NULL, branch_id INT NOT NULL,
  PRIMARY KEY (holder_id), FOREIGN KEY (`acct$no`) REFERENCES account (`acct$no`),
  FOREIGN KEY (branch_id) REFERENCES branch (branch_id));
CREATE TABLE branch (branch_id INT NOT NULL, `name}` VARCHAR(20), PRIMARY KEY (branch_id));
"""


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _checkout(tmp_path_factory.mktemp("names"))
    (root / "bank.sql").write_text(DDL)
    for name in NAMES:
        assert _init(root, name, "--schema", str(root / "bank.sql"), "--schemas", "bank") == 0
    return root


def _generated(root: Path) -> list[str]:
    modules = [name.replace("-", "_") for name in NAMES]
    return [f"stacks/{m}{suffix}.py" for m in modules for suffix in ("", "_design")] + ["stacks/registry.py"]


def test_generated_modules_pass_ruff_for_names_sorting_anywhere(checkout: Path) -> None:
    files = _generated(checkout)
    for command in (["check", *files], ["format", "--check", *files]):
        result = subprocess.run([str(BIN / "ruff"), *command], cwd=checkout, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_generated_modules_pass_mypy_strict_for_any_name(checkout: Path, tmp_path: Path) -> None:
    write_stubs(tmp_path / "stubs")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--cache-dir", str(tmp_path / "cache"),
         "--config-file", "pyproject.toml", *_generated(checkout)],
        cwd=checkout,
        env={"MYPYPATH": str(tmp_path / "stubs"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_key_column_no_template_can_hold_is_left_out_with_its_reason(checkout: Path) -> None:
    design = (checkout / "stacks" / "my_shop_design.py").read_text()
    assert '    selection.append(exclude(SCHEMA, "account", rule_name="exclude-account"))' in design
    assert "    # account: its primary key's column 'acct$no' cannot be put in a ${} template" in design
    assert "acct$no -> account: column 'acct$no' cannot be put in a ${} template" in design
    assert "${acct$no}" not in design


def test_the_stack_with_that_column_synthesizes_and_checks_clean(
    checkout: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cdktf import Testing as TfTesting

    import stacks
    from stacks.config import StackConfig
    from tests.synth import synth

    stacks.__path__.append(str(checkout / "stacks"))
    try:
        spec = importlib.util.spec_from_file_location("names_registry", checkout / "stacks" / "registry.py")
        assert spec is not None and spec.loader is not None
        registry = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(registry)
        path = tmp_path / "my-shop.tf.json"
        path.write_text(json.dumps(synth(registry.STACKS["my-shop"](TfTesting.app(), StackConfig()))))
    finally:
        stacks.__path__.remove(str(checkout / "stacks"))
        for module in [m for m in sys.modules if m.startswith("stacks.") and m.split(".")[1] in _modules()]:
            del sys.modules[module]
    capsys.readouterr()
    assert main(["check-stack", "--stack", str(path), "--schema", str(checkout / "bank.sql")]) == 0
    assert ": 0 error(s)" in capsys.readouterr().out


def _modules() -> set[str]:
    return {n.replace("-", "_") + suffix for n in NAMES for suffix in ("", "_design")}


@pytest.mark.parametrize("name", ["class", "import"])
def test_a_python_keyword_is_refused_before_anything_is_written(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _checkout(tmp_path)
    registry = (root / "stacks" / "registry.py").read_text()
    assert _init(root, name, "--schema", str(root / "stacks" / "sql" / "shop-schema.sql")) == 2
    assert f"{name!r} is not a stack name init can use: it is a Python keyword" in capsys.readouterr().err
    assert not (root / "stacks" / f"{name}.py").exists()
    assert (root / "stacks" / "registry.py").read_text() == registry


def test_init_says_which_columns_the_items_leave_out_and_which_secrets_it_does_not_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _checkout(tmp_path)
    ddl = root / "air.sql"
    ddl.write_text(
        "CREATE TABLE schedule (schedule_id INT NOT NULL, departs TIME NOT NULL, PRIMARY KEY (schedule_id));\n"
        "CREATE TABLE employee (emp_id INT NOT NULL, password CHAR(32) NOT NULL, PRIMARY KEY (emp_id));\n"
    )
    capsys.readouterr()
    assert _init(root, "air", "--schema", str(ddl), "--schemas", "air") == 0
    out = capsys.readouterr().out
    assert "left out: schedule.departs (TIME) is left out of the items" in out
    assert "not copied: employee.password (the names say secrets)" in out
    design = (root / "stacks" / "air_design.py").read_text()
    assert (
        "        # schedule.departs (TIME) is left out of the items: DMS's DynamoDB type table has no type for it"
        in design
    )
    assert 'Entity(table="employee", partition_key="EMPLOYEE#${emp_id}", exclude_columns=("password",))' in design
