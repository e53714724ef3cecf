"""Check every DMS task a synthesized stack defines against a source schema.

    python -m stacks.check_tasks --schema stacks/sql/sakila-schema.sql [--stack sakila] [--strict] [cdktf.out]

Reads the ``table_mappings`` of each ``aws_dms_replication_task`` / ``aws_dms_replication_config``
from ``cdk.tf.json`` exactly as Terraform will pass them to DMS, so what is checked is what is
deployed. Exit 1 on errors (and on warnings with ``--strict``). ``make check`` runs it.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from mappings import TableMappings, TargetEngine
from mappings.schema import SourceSchema
from mappings.schema_checks import check_against_schema

_ATTRIBUTE = {"aws_dms_replication_task": "table_mappings", "aws_dms_replication_config": "table_mappings"}


def _unescape(value: str) -> str:
    return value.replace("$${", "${").replace("%%{", "%{")


def tasks(document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(address, table mappings as DMS receives them) for each task of a stack."""
    for type_name, attribute in _ATTRIBUTE.items():
        for name, body in document.get("resource", {}).get(type_name, {}).items():
            yield f"{type_name}.{name}", _unescape(body[attribute])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default="cdktf.out")
    parser.add_argument("--schema", required=True, help="MySQL DDL of the source")
    parser.add_argument("--schema-name", default="", help="database the DDL describes (default: from the mappings)")
    parser.add_argument("--stack", action="append", help="only these stacks (default: all)")
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args(argv)
    ddl = Path(args.schema).read_text()
    errors = warnings = checked = 0
    for path in sorted(Path(args.out).glob("stacks/*/cdk.tf.json")):
        stack = path.parent.name
        if args.stack and stack not in args.stack:
            continue
        for address, text in tasks(json.loads(path.read_text())):
            mappings = TableMappings.from_json(text)
            names = {r.object_locator.schema_name for r in mappings.rules if r.object_locator.schema_name}
            schema = SourceSchema.from_ddl(ddl, name=args.schema_name or (names.pop() if len(names) == 1 else ""))
            issues = mappings.check(TargetEngine.DYNAMODB) + check_against_schema(mappings, schema)
            checked += 1
            for issue in issues:
                print(f"{stack}: {address}: {issue}")
            errors += sum(i.is_error for i in issues)
            warnings += sum(not i.is_error for i in issues)
    print(f"{checked} task(s) checked: {errors} error(s), {warnings} warning(s)")
    if checked == 0:
        print(f"no tasks found under {args.out}/stacks: run make synth first")
        return 1
    return 1 if errors or (args.strict and warnings) else 0


if __name__ == "__main__":
    raise SystemExit(main())
