"""No import circle in the product code, and the tool half's top level holds only what the README says.

Read from the source (ast), not by importing, so a circle that happens to import in today's order
still fails. Edges: every module-level import (``TYPE_CHECKING`` blocks included: they are a circle
for the type checker and the reader alike), and the package ``__init__`` a submodule import runs.
Function-level (lazy) imports are edges too, except the few listed in ``ALLOWED_LAZY`` with why.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

PRODUCT = ("constructs_lib", "mappings", "dms_dynamodb")

#: Lazy imports that close a circle, each allowed for a reason; a stale entry fails too.
ALLOWED_LAZY = {
    ("mappings.schema.model", "mappings.schema.ddl"): (
        "SourceSchema.from_ddl, the model's door to its reader, which some thirty callers across the tool half, "
        "the benches and the tests use; moving them to mappings.schema.ddl.read_ddl retires it"
    ),
}

#: The tool half's top level: the command, the stack reader, the plan, and one room per feature.
TOOL_TOP_LEVEL = {
    # the command
    "__init__",
    "__main__",
    "cli",
    "commands",
    "documents",
    "progress",
    "private_files",
    # the stack reader and the plan
    "stack",
    "plan",
    # features small enough to be one module (one grows past that: it becomes a package)
    "check_stack",
    "hcl_repair",
    "load",
    "preflight",
    "table_choice",
    # one package per feature
    "binlog/",
    "cdc/",
    "cutover/",
    "dynamodb/",
    "export/",
    "init/",
    "rehearsal/",
    "report/",
    "resync/",
    "source/",
    "verify/",
}


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            is_package = parts[-1] == "__init__"
            found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


MODULES = _modules()


def _owner(name: str) -> str | None:
    """The product module an import of ``name`` loads (``a.b.C`` is the module ``a.b``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imported(node: ast.Import | ast.ImportFrom, package: str) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:
        anchor = package
        for _ in range(node.level - 1):
            anchor = anchor.rpartition(".")[0]
        base = f"{anchor}.{base}" if node.module else anchor
    yield base
    yield from (f"{base}.{alias.name}" for alias in node.names)


def _with_parents(module: str, target: str) -> set[str]:
    """``target``, and the packages its import runs first that are not already running (the importer's own)."""
    parts = target.split(".")
    parents = {".".join(parts[:i]) for i in range(1, len(parts))}
    implicit = {p for p in parents if p in MODULES and not module.startswith(p + ".")}
    return (implicit | {target}) - {module}


def _edges() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    eager: dict[str, set[str]] = {m: set() for m in MODULES}
    lazy: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, (path, is_package) in MODULES.items():
        package = module if is_package else module.rpartition(".")[0]
        tree = ast.parse(path.read_text())
        in_function = {
            id(node)
            for scope in ast.walk(tree)
            if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef)
            for node in ast.walk(scope)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for name in _imported(node, package):
                owner = _owner(name) if name.split(".")[0] in PRODUCT else None
                if owner is not None and owner != module:
                    (lazy if id(node) in in_function else eager)[module] |= _with_parents(module, owner)
    return eager, lazy


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_reader_sees_the_imports_it_must() -> None:
    """Guards the test itself: known edges, a TYPE_CHECKING one and a package-__init__ one among them."""
    eager, lazy = _edges()
    assert "constructs_lib.interfaces" in eager["constructs_lib.pipeline_props"]
    assert "constructs_lib.aws" in eager["constructs_lib.interfaces"]  # under TYPE_CHECKING
    assert "mappings.design" in eager["mappings.design.chart"]  # runs mappings/design/__init__
    assert "mappings.schema.ddl" in lazy["mappings.schema.model"]
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circle_in_the_product_code() -> None:
    eager, lazy = _edges()
    assert _circles(eager) == []
    everything = {
        module: eager[module] | {t for t in lazy[module] if (module, t) not in ALLOWED_LAZY} for module in MODULES
    }
    assert _circles(everything) == []


def test_the_document_is_below_the_design() -> None:
    """``design`` builds documents; a document module importing ``design`` makes the two folders one floor."""
    eager, lazy = _edges()
    upward = {
        (m, t)
        for m in MODULES
        if m.startswith("mappings.document")
        for t in eager[m] | lazy[m]
        if t.startswith("mappings.design")
    }
    assert upward == set()


def test_every_allowed_lazy_import_still_exists_and_still_needs_allowing() -> None:
    eager, lazy = _edges()
    with_all = {module: eager[module] | lazy[module] for module in MODULES}
    circles = _circles(with_all)
    for source, target in ALLOWED_LAZY:
        assert target in lazy[source], (source, target)
        assert any(source in c and target in c for c in circles), f"{source} -> {target} no longer closes a circle"


def test_the_tool_half_top_level_holds_the_command_the_stack_reader_the_plan_and_one_room_per_feature() -> None:
    top = ROOT / "dms_dynamodb"
    found = {p.stem for p in top.glob("*.py")} | {f"{p.name}/" for p in top.iterdir() if (p / "__init__.py").exists()}
    assert found == TOOL_TOP_LEVEL
    for room in (name for name in TOOL_TOP_LEVEL if name.endswith("/")):
        doc = ast.get_docstring(ast.parse((top / room / "__init__.py").read_text()))
        assert doc, f"dms_dynamodb/{room}__init__.py says what the room holds"


def test_every_folder_of_the_product_code_says_what_it_holds() -> None:
    """The README's layout table names the folders only: each ``__init__`` docstring says the rest."""
    silent = [
        module
        for module, (path, is_package) in MODULES.items()
        if is_package and not ast.get_docstring(ast.parse(path.read_text()))
    ]
    assert silent == []
