"""The harness: Test* classes are collected (an uncollectable one fails), and one factor scales every
wall-clock bound in the tests (a bound written as a bare number fails here)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests import timing
from tests.conftest import ROOT

CLOCKS = {"monotonic", "perf_counter", "time"}
#: Files left as they are, and why.
EXEMPT = {
    # The byte-identity contract of every stack's cdk.tf.json: kept unchanged (its one bound is a 600 s hang guard).
    "tests/snapshots/test_stack_snapshots.py",
}
#: Names the tests give a measured duration (``seconds = time.monotonic() - sent``).
DURATIONS = {"seconds", "elapsed", "waited", "took"}


def test_the_factor_is_one_unless_the_environment_says_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(timing.ENV, raising=False)
    assert timing.seconds(2.5) == 2.5
    monkeypatch.setenv(timing.ENV, "3")
    assert timing.seconds(2.5) == 7.5
    monkeypatch.setenv(timing.ENV, " 0.5 ")
    assert timing.seconds(10) == 5.0


@pytest.mark.parametrize("raw", ["0", "-2", "slow", "nan", "inf"])
def test_a_factor_that_is_not_a_positive_number_stops_the_test_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv(timing.ENV, raw)
    with pytest.raises(ValueError, match=rf"^DMS_TEST_TIME_FACTOR='{raw}': give a positive number"):
        timing.seconds(1)


def _number(node: ast.AST) -> bool:
    """A bound written as a bare number: a numeric literal in it, and no ``seconds(...)`` around it."""
    scaled = any(
        isinstance(n, ast.Call)
        and (getattr(n.func, "id", None) == "seconds" or getattr(n.func, "attr", None) == "seconds")
        for n in ast.walk(node)
    )
    literal = any(isinstance(n, ast.Constant) and type(n.value) in (int, float) for n in ast.walk(node))
    return literal and not scaled and not isinstance(node, ast.Call)


def _reads_clock(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in CLOCKS for n in ast.walk(node)
    )


def _duration(node: ast.AST) -> bool:
    return _reads_clock(node) or (isinstance(node, ast.Name) and node.id in DURATIONS)


def _arithmetic(node: ast.AST) -> bool:
    """Numbers, names and operators only: a duration, not a string's pieces."""
    kinds = (ast.Constant, ast.Name, ast.Attribute, ast.BinOp, ast.UnaryOp, ast.operator, ast.unaryop, ast.Load)
    return all(isinstance(n, kinds) for n in ast.walk(node))


def unscaled_bounds(source: str) -> list[tuple[int, str]]:
    """Bare-number wall-clock bounds: ``timeout=N``, ``clock() + N``, ``elapsed < N``, ``wait_for(..., N)``,
    ``thread.join(N)``, ``event.wait(N)``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.keyword) and node.arg == "timeout" and _number(node.value):
            found.append((node.value.lineno, "timeout=<number>"))
        elif isinstance(node, ast.arguments):
            named = [*node.posonlyargs, *node.args][-len(node.defaults) :] if node.defaults else []
            pairs = [*zip(named, node.defaults, strict=True), *zip(node.kwonlyargs, node.kw_defaults, strict=True)]
            found += [(d.lineno, "timeout default") for a, d in pairs if a.arg == "timeout" and d and _number(d)]
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            if (_reads_clock(node.left) and _number(node.right)) or (_reads_clock(node.right) and _number(node.left)):
                found.append((node.lineno, "clock() + <number>"))
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_duration(s) for s in sides) and any(_number(s) and not _duration(s) for s in sides):
                found.append((node.lineno, "duration compared with <number>"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "wait_for"
            and len(node.args) > 1
            and _number(node.args[1])
        ):
            found.append((node.lineno, "wait_for(..., <number>)"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("join", "wait")
            and node.args
            and _number(node.args[0])
            and _arithmetic(node.args[0])  # ",".join(f"c{i}" for i in range(40)) is text, not a bound
        ):
            found.append((node.lineno, f".{node.func.attr}(<number>)"))
    return sorted(found)


def test_the_guard_finds_each_kind_of_bare_bound() -> None:
    source = (
        "import time\n"
        "subprocess.run(c, timeout=60)\n"
        "deadline = time.monotonic() + 30\n"
        "assert time.monotonic() - started < 2\n"
        "assert seconds < 3\n"
        "wait_for(f, 10)\n"
        "def run(c, timeout=60): ...\n"
        "assert time.monotonic() - started < GRACE + 2\n"
        "wait_for(f, 2.0 - (time.monotonic() - stopped))\n"
        "subprocess.run(c, timeout=timing.seconds(60))\n"
        "assert time.monotonic() - started < timing.seconds(2)\n"
        "wait_for(f, timing.seconds(2.0) - (time.monotonic() - stopped))\n"
        "deadline = time.monotonic() + timing.seconds(GRACE + 1)\n"
        "thread.join(10)\n"
        "gate.wait(5)\n"
        "thread.join(timing.seconds(10))\n"
        "', '.join(names)\n"
        "', '.join(f'c{i}' for i in range(40))\n"
    )
    assert [line for line, _ in unscaled_bounds(source)] == [2, 3, 4, 5, 6, 7, 8, 9, 14, 15]


def test_every_wall_clock_bound_in_the_tests_is_scaled() -> None:
    found = {
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if path != Path(__file__) and str(path.relative_to(ROOT)) not in EXEMPT
        for line, what in unscaled_bounds(path.read_text())
    }
    assert sorted(found) == [], "wrap the number in tests.timing.seconds(...)"


def _pytest_on(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    """Our pytest configuration on one test file written here."""
    (tmp_path / "test_probe.py").write_text(source)
    command = [sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path), "-q",
               "-p", "no:cacheprovider", str(tmp_path / "test_probe.py")]  # fmt: skip
    return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=timing.seconds(120))


def test_a_test_class_is_collected_and_one_that_cannot_be_is_an_error(tmp_path: Path) -> None:
    ran = _pytest_on(tmp_path, "class TestWidget:\n    def test_it(self) -> None:\n        assert True\n")
    assert ran.returncode == 0 and "1 passed" in ran.stdout, ran.stdout
    skipped = _pytest_on(
        tmp_path, "class TestWithInit:\n    def __init__(self) -> None: ...\n    def test_it(self) -> None: ...\n"
    )
    assert skipped.returncode != 0 and "cannot collect test class 'TestWithInit'" in skipped.stdout, skipped.stdout
