"""The rooms say what they hold: what each half may import, how big a module may grow, bench names."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

MAX_LINES = 500


def _modules(package: str) -> list[str]:
    names = []
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__main__":
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _loaded_after_importing(modules: list[str]) -> set[str]:
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True, text=True)
    return set(result.stdout.split())


def _roots(loaded: set[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(m for m in loaded if m.split(".")[0] in forbidden)


def test_mappings_imports_no_driver_no_aws_sdk_no_cdktf_and_not_the_tool_half() -> None:
    modules = _modules("mappings")
    assert {"mappings.resolver", "mappings.items.builder", "mappings.schema.ddl"} <= set(modules)
    loaded = _loaded_after_importing(modules)
    assert _roots(loaded, ("pymysql", "boto3", "botocore", "cdktf", "jsii", "dms_dynamodb", "pymysqlreplication")) == []


def test_the_tool_half_imports_no_example_stack_no_constructs_and_no_jsii() -> None:
    modules = _modules("dms_dynamodb")
    assert {"dms_dynamodb.source.rows", "dms_dynamodb.dynamodb.writer", "dms_dynamodb.rehearsal.workflow"} <= set(
        modules
    )
    loaded = _loaded_after_importing(modules)
    assert _roots(loaded, ("stacks", "constructs_lib", "constructs", "cdktf", "jsii")) == []


def test_mappings_writes_no_mysql_sql() -> None:
    """MySQL queries are the tool half's (the filters' WHERE lives in dms_dynamodb.source.filter_sql).

    Left in ``mappings``: SQLite compile-checks of DMS expressions (DMS evaluates them with SQLite)
    and the apply-exception ``STATEMENT`` text, a record of a row, never executed.
    """
    for path in (ROOT / "mappings").rglob("*.py"):
        text = path.read_text()
        for marker in ("%s", " WHERE ", "information_schema", "BINARY `", ".cursor("):
            assert marker not in text, (path, marker)


@pytest.mark.parametrize("package", ["constructs_lib", "mappings", "dms_dynamodb"])
def test_no_module_is_over_the_limit(package: str) -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / package).rglob("*.py")
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_bench_module_shadows_an_importable_module() -> None:
    """`python bench/NAME.py` puts bench/ first on sys.path: a bench named like a package hides it."""
    names = sorted(p.stem for p in (ROOT / "bench").glob("*.py") if p.stem != "__init__")
    code = (
        "import importlib.util, sys\n"
        f"sys.path = [p for p in sys.path if p not in ('', {str(ROOT / 'bench')!r})]\n"
        f"print([n for n in {names!r} if importlib.util.find_spec(n) is not None])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], check=True, cwd="/", capture_output=True, text=True)
    assert result.stdout.strip() == "[]"
    for name in names:
        assert not (ROOT / name).exists() and not Path(ROOT / f"{name}.py").exists(), name
