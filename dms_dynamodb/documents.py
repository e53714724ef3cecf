"""The subcommands for documents on their own (no stack): ``check``, ``fmt`` and ``design``.

    dms-dynamodb check mappings.json [--task-settings settings.json] [--target dynamodb]
                         [--schema schema.sql | --mysql-url mysql://user:pw@host/db] [--design module:NAME]
    dms-dynamodb fmt mappings.json
    dms-dynamodb design [--design module:NAME] [--format markdown|html] [--schema schema.sql]

``check`` prints every problem with its rule id and exits 1 when there is an error (warnings
alone exit 0; ``--strict`` makes them fail too). ``fmt`` prints the canonical form, like
``terraform fmt``, or the same errors and exit 1.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dms_dynamodb.commands import UsageError, live_schema, schema_from_ddl
from mappings.design import TableDesign
from mappings.design.chart import render_html, render_markdown
from mappings.document._json import loads_strict
from mappings.document.enums import TargetEngine
from mappings.document.table_mappings import TableMappings, issues_for
from mappings.errors import Issue, MappingError
from mappings.items import LobPolicy
from mappings.schema import SourceSchema
from mappings.settings import TaskSettings, task_settings_issues
from mappings.settings.dynamodb import dynamodb_settings_issues, write_capacity
from mappings.validation.rule_checks import infer_target
from mappings.validation.schema_checks import check_against_schema


def _read(path: str, subject: str) -> tuple[object | None, list[Issue]]:
    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return loads_strict(text, subject=subject), []
    except MappingError as exc:
        return None, list(exc.issues)


def _print_issues(label: str, issues: Sequence[Issue]) -> None:
    for issue in issues:
        print(f"{label}: {issue}")


def load_design(spec: str | None) -> TableDesign | None:
    """The ``TableDesign`` named ``module:NAME`` (None for no spec); a clear exit when it is not one."""
    if not spec:
        return None
    module_name, _, attribute = spec.partition(":")
    try:
        value = getattr(importlib.import_module(module_name), attribute or "DESIGN")
    except (ImportError, AttributeError) as exc:
        raise SystemExit(f"error: cannot load design {spec!r}: {exc}") from None
    if not isinstance(value, TableDesign):
        raise SystemExit(f"error: {spec!r} is a {type(value).__name__}, not a TableDesign")
    return value


def _load_schema(args: argparse.Namespace, data: object) -> SourceSchema | None:
    if args.mysql_url:
        return live_schema(args.mysql_url)
    if not args.schema:
        return None
    try:
        text = Path(args.schema).read_text()
    except OSError as exc:
        raise SystemExit(f"error: cannot read {args.schema}: {exc.strerror}") from None
    return schema_from_ddl(text, name=args.schema_name or _single_schema_name(data), label=args.schema)


def _single_schema_name(data: object) -> str:
    """The one schema the document maps (what a DDL file without a database name belongs to)."""
    rules = data.get("rules") if isinstance(data, dict) else None
    names = {
        r.get("object-locator", {}).get("schema-name")
        for r in rules or []
        if isinstance(r, dict) and isinstance(r.get("object-locator"), dict)
    }
    names = {n for n in names if isinstance(n, str) and "%" not in n}
    return names.pop() if len(names) == 1 else ""


def _inferred(data: object) -> TargetEngine | None:
    try:
        return infer_target(TableMappings.from_dict(data).rules)
    except MappingError:
        return None


def _check(args: argparse.Namespace) -> int:
    target = None if args.target == "auto" else TargetEngine(args.target)
    data, issues = _read(args.mappings, "table mappings")
    if data is not None:
        issues = issues_for(data, target)
        schema = _load_schema(args, data)
        if schema is not None and not any(i.is_error for i in issues):
            mappings = TableMappings.from_dict(data)
            lob_cap = _lob_cap(args.task_settings)
            issues += check_against_schema(mappings, schema, design=load_design(args.design), lob_max_bytes=lob_cap)
    _print_issues(args.mappings, issues)
    if args.task_settings:
        settings, settings_issues = _read(args.task_settings, "task settings")
        if settings is not None:
            settings_issues = task_settings_issues(settings)
            dynamodb = target is TargetEngine.DYNAMODB or (target is None and _inferred(data) is TargetEngine.DYNAMODB)
            if dynamodb and not any(i.is_error for i in settings_issues):
                parsed = TaskSettings.from_dict(settings)
                settings_issues += dynamodb_settings_issues(parsed)
                print(
                    f"{args.task_settings}: info: DMS sets {write_capacity(parsed)} WCU on the target table for the full load"
                )
        _print_issues(args.task_settings, settings_issues)
        issues = [*issues, *settings_issues]
    errors = sum(1 for i in issues if i.is_error)
    warnings = len(issues) - errors
    print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0


def _lob_cap(path: str | None) -> int | None:
    """The task's limited-size LOB cap (``LobMaxSize``), as check-stack uses it; None: no cap (full LOB mode,
    or no settings given: the worst case)."""
    if not path:
        return None
    settings, issues = _read(path, "task settings")
    if settings is None or any(i.is_error for i in issues) or any(i.is_error for i in task_settings_issues(settings)):
        return None
    return LobPolicy.from_settings(TaskSettings.from_dict(settings)).max_bytes


def _fmt(args: argparse.Namespace) -> int:
    data, issues = _read(args.file, "table mappings")
    if data is not None:
        try:
            if isinstance(data, dict) and "rules" not in data and args.task_settings:
                print(TaskSettings.from_dict(data).to_json(indent=2))
            else:
                print(TableMappings.from_dict(data).to_json(indent=2))
            return 0
        except MappingError as exc:
            issues = [*exc.issues, *exc.warnings]
    _print_issues(args.file, issues)
    return 1


def _design(args: argparse.Namespace) -> int:
    design = load_design(args.design)
    assert design is not None
    schema = schema_from_ddl(Path(args.schema).read_text(), name="", label=args.schema) if args.schema else None
    render = render_html if args.format == "html" else render_markdown
    print(render(design, schema), end="")
    return 0


def add_commands(sub: Any) -> None:
    """Register ``check``, ``fmt`` and ``design`` on an argparse sub-parser set (here and in ``dms-dynamodb``)."""
    formatter = argparse.RawDescriptionHelpFormatter
    check = sub.add_parser(
        "check",
        help="check a table-mapping document (and task settings, and a source schema); exit 1 on errors",
        description="Print every problem with its rule id and JSON path; exit 1 on errors (--strict: on warnings too).",
        epilog="example:\n  dms-dynamodb check mappings.json --task-settings settings.json --schema schema.sql",
        formatter_class=formatter,
    )
    check.add_argument("mappings", help="table-mapping JSON file")
    check.add_argument("--task-settings", help="task-settings JSON file to check too")
    check.add_argument(
        "--target",
        choices=["auto", *(t.value for t in TargetEngine)],
        default="auto",
        help="target engine whose rules apply (default: inferred from the document)",
    )
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    source = check.add_mutually_exclusive_group()
    source.add_argument("--schema", help="MySQL DDL of the source (e.g. mysqldump --no-data output)")
    source.add_argument("--mysql-url", help="read the schema from a live server: mysql://user:pw@host:port/db")
    check.add_argument("--schema-name", help="database the DDL describes (default: the one the mappings name)")
    check.add_argument("--design", help="a TableDesign to take key types and GSI keys from, as module:NAME")
    check.set_defaults(run=_check)
    design = sub.add_parser(
        "design",
        help="print a single-table design (mappings.design.TableDesign) as an entity chart",
        epilog="example:\n  dms-dynamodb design --design stacks.shop_design:SHOP_DESIGN --format html > design.html",
        formatter_class=formatter,
    )
    design.add_argument("--design", required=True, help="module:NAME of a TableDesign, e.g. mypkg.design:DESIGN")
    design.add_argument("--format", choices=["markdown", "html"], default="markdown")
    design.add_argument("--schema", help="MySQL DDL, for example values typed like the columns")
    design.set_defaults(run=_design)
    fmt = sub.add_parser(
        "fmt",
        help="print a table-mapping (or task-settings) document in canonical form, like terraform fmt",
        epilog="example:\n  dms-dynamodb fmt mappings.json > mappings.canonical.json",
        formatter_class=formatter,
    )
    fmt.add_argument("file", help="table-mapping (or, with --task-settings, task-settings) JSON file")
    fmt.add_argument("--task-settings", action="store_true", help="the file is a task-settings document")
    fmt.set_defaults(run=_fmt)
