"""Command line for existing documents.

    python -m mappings check mappings.json [--task-settings settings.json] [--target dynamodb]
    python -m mappings fmt mappings.json

``check`` prints every problem with its rule id and exits 1 when there is an error (warnings
alone exit 0; ``--strict`` makes them fail too). ``fmt`` prints the canonical form, like
``terraform fmt``, or the same errors and exit 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from mappings._json import loads_strict
from mappings.document import TableMappings, issues_for
from mappings.enums import TargetEngine
from mappings.errors import Issue, MappingError
from mappings.task_settings import TaskSettings, task_settings_issues


def _read(path: str, subject: str) -> tuple[object | None, list[Issue]]:
    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        raise SystemExit(f"error: cannot read {path}: {exc.strerror}") from None
    try:
        return loads_strict(text, subject=subject), []
    except MappingError as exc:
        return None, list(exc.issues)


def _print_issues(label: str, issues: Sequence[Issue]) -> None:
    for issue in issues:
        print(f"{label}: {issue}")


def _check(args: argparse.Namespace) -> int:
    target = None if args.target == "auto" else TargetEngine(args.target)
    data, issues = _read(args.mappings, "table mappings")
    if data is not None:
        issues = issues_for(data, target)
    _print_issues(args.mappings, issues)
    if args.task_settings:
        settings, settings_issues = _read(args.task_settings, "task settings")
        if settings is not None:
            settings_issues = task_settings_issues(settings)
        _print_issues(args.task_settings, settings_issues)
        issues = [*issues, *settings_issues]
    errors = sum(1 for i in issues if i.is_error)
    warnings = len(issues) - errors
    print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0


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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mappings", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="print every problem; exit 1 on errors")
    check.add_argument("mappings", help="table-mapping JSON file")
    check.add_argument("--task-settings", help="task-settings JSON file to check too")
    check.add_argument(
        "--target",
        choices=["auto", *(t.value for t in TargetEngine)],
        default="auto",
        help="target engine whose rules apply (default: inferred from the document)",
    )
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.set_defaults(run=_check)
    fmt = sub.add_parser("fmt", help="print the document in canonical form")
    fmt.add_argument("file", help="table-mapping (or, with --task-settings, task-settings) JSON file")
    fmt.add_argument("--task-settings", action="store_true", help="the file is a task-settings document")
    fmt.set_defaults(run=_fmt)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())
