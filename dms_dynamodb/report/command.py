"""``dms-dynamodb report``: read a sample of the target, run the access patterns, write the page and report.md.

Also what ``rehearse --report-html DIR`` calls at the end of a rehearsal (``write_report``), while its throwaway
servers are still up. The files hold row data, so they are created 0600 like every other such file.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dms_dynamodb.commands import UsageError, open_task
from dms_dynamodb.private_files import private_file
from dms_dynamodb.report.html import render_html
from dms_dynamodb.report.markdown import render_markdown
from dms_dynamodb.report.model import ITEMS, EntityKeys, build_report, entity_keys
from dms_dynamodb.stack import Stack, StackTask
from mappings.design import AccessPattern, TableDesign
from mappings.schema import SourceSchema
from mappings.validation.column_checks import column_findings

#: Items read from the target for the collections: a page, not a dump.
SAMPLE = 500
#: Items read per partition shown (its count says when there are more).
PARTITION_ITEMS = 200
_PLACEHOLDER = re.compile(r"<([^<>]+)>")


def cmd_report(args: argparse.Namespace) -> int:
    if args.rehearsal:
        if not args.ddl:
            raise UsageError("--rehearsal needs --ddl FILE: the schema the throwaway source is made from")
        # The rehearsal is a command of its own (servers, signals, exit codes): run it as one, not through cli.
        argv = ["rehearse", "--stack", args.stack, "--ddl", args.ddl, "--rows", str(args.rows), "--quiet"]
        argv += ["--report-html", args.out] + (["--task", args.task] if args.task else [])
        argv += ["--design", args.design] if args.design else []
        sys.stdout.flush()
        return subprocess.run([sys.executable, "-m", "dms_dynamodb", *argv], check=False).returncode
    from dms_dynamodb.commands import connect_source, dynamodb, single_schema
    from dms_dynamodb.documents import load_design
    from dms_dynamodb.source.schema_reader import read_schema

    stack, task = open_task(args.stack, args.task)
    ddb = dynamodb(args.endpoint_url)
    connection, schema = None, None
    if args.mysql_url:
        connection = connect_source(args.mysql_url)
        schema = read_schema(connection, single_schema(task))
    try:
        findings = _verify_records(args.verify_report) if args.verify_report else []
        written = write_report(
            Path(args.out), stack, task, ddb, design=load_design(args.design), table=args.table,
            connection=connection, schema=schema, findings=findings,
        )  # fmt: skip
    finally:
        if connection is not None:
            connection.close()
    print(f"report: {written[0]} (open it from disk) and {written[1]}")
    return 0


def _verify_records(path: str) -> list[dict[str, Any]]:
    try:
        lines = Path(path).read_text().splitlines()
    except OSError as exc:
        raise UsageError(f"--verify-report {path}: {exc.strerror}") from None
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            raise UsageError(f"--verify-report {path}: line {number} is not JSON (a verify --report file is)") from None
    return records


def target_design(stack: Stack, task: StackTask, table: str | None) -> TableDesign:
    """The table to draw: ``table``, or the one table the task writes that the stack defines."""
    if table:
        if table not in stack.tables:
            raise UsageError(f"--table {table}: the stack defines {', '.join(stack.tables) or 'no table'}")
        return stack.tables[table]
    written = [d for d in stack.tables.values() if entity_keys(task.table_mappings, d)]
    if len(written) != 1:
        names = ", ".join(d.table_name for d in written) or "none the stack defines"
        raise UsageError(f"task {task.task_id!r} writes {names}: say which with --table NAME")
    return written[0]


def write_report(
    out: Path,
    stack: Stack,
    task: StackTask,
    ddb: Any,
    *,
    design: TableDesign | None = None,
    table: str | None = None,
    connection: Any = None,
    schema: SourceSchema | None = None,
    findings: Sequence[dict[str, Any]] = (),
) -> tuple[Path, Path]:
    """Read the target and write ``out/index.html`` and ``out/report.md``; returns both paths."""
    from dms_dynamodb.rehearsal.patterns import query

    target = target_design(stack, task, table)
    entities = entity_keys(task.table_mappings, target)
    items = _sample(ddb, target.table_name)
    patterns = []
    for pattern, partition in _patterns(design, target, entities, items, connection):
        where = pattern.index or "table"
        found = query(ddb, target, pattern, partition) if partition else []
        name = pattern.name if partition else f"{pattern.name} (no example key value in the sample)"
        patterns.append((name, f"{where}, {pattern.partition_key} = {partition}", pattern.sort_key_condition, found))
    left_out: dict[str, list[str]] = {}
    if schema is not None:
        for gone in column_findings(0, task.table_mappings, [schema])[1]:
            left_out.setdefault(gone.table, []).append(gone.describe())
    data = build_report(
        stack=stack.path.parent.name if stack.path.name == "cdk.tf.json" else stack.path.name,
        task=task.task_id, design=target, entities=entities, items=items, read=_reader(ddb, target.table_name),
        patterns=patterns, left_out=left_out, findings=findings,
    )  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    page, markdown = out / "index.html", out / "report.md"
    with private_file(page) as handle:
        handle.write(render_html(data))
    with private_file(markdown) as handle:
        handle.write(render_markdown(data))
    return page, markdown


def _reader(ddb: Any, table: str) -> Any:
    """One partition of the table or of a GSI, read whole (up to :data:`PARTITION_ITEMS`)."""

    def read(index: str | None, key: str, value: dict[str, Any]) -> list[dict[str, Any]]:
        request: dict[str, Any] = {
            "TableName": table,
            "KeyConditionExpression": "#k = :v",
            "ExpressionAttributeNames": {"#k": key},
            "ExpressionAttributeValues": {":v": value},
        }
        if index:
            request["IndexName"] = index
        found: list[dict[str, Any]] = []
        for page in ddb.get_paginator("query").paginate(**request):
            found += page.get("Items", [])
            if len(found) >= PARTITION_ITEMS:
                break
        return found[:PARTITION_ITEMS]

    return read


def _sample(ddb: Any, table: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in ddb.get_paginator("scan").paginate(TableName=table, PaginationConfig={"PageSize": 100}):
        items += page.get("Items", [])
        if len(items) >= SAMPLE:
            break
    return items[:SAMPLE]


def _patterns(
    design: TableDesign | None,
    target: TableDesign,
    entities: Sequence[EntityKeys],
    items: Sequence[dict[str, Any]],
    connection: Any,
) -> list[tuple[AccessPattern, str]]:
    """The design's patterns with example key values, or, without a design, each entity's collection and GSIs."""
    from dms_dynamodb.rehearsal.patterns import example_value, plain_item

    plain = [plain_item(i) for i in items]
    if design is not None:
        found = []
        for pattern in design.access_patterns:
            values = [
                _example(m, plain, design, connection, example_value)
                for m in _PLACEHOLDER.findall(pattern.partition_key)
            ]
            partition = "" if None in values else _fill(pattern.partition_key, values)
            found.append((pattern, partition))
        return found
    derived = []
    pk = target.partition_key.name
    for entity in entities:
        first = next((i for i in plain if all(k in i for k in entity.templates)), None)
        if first is None or pk not in entity.templates:
            continue
        derived.append(
            (AccessPattern(name=f"{entity.table} collection", partition_key=entity.templates[pk]), str(first[pk]))
        )
        for index in target.indexes:
            ipk = index.partition_key.name
            if ipk in entity.templates:
                pattern = AccessPattern(
                    name=f"{entity.table} by {index.name}", index=index.name, partition_key=entity.templates[ipk]
                )
                derived.append((pattern, str(first[ipk])))
    return derived[: ITEMS * 4]


def _fill(template: str, values: list[Any]) -> str:
    """``CUSTOMER#<customer_id>`` with the example values in order: ``CUSTOMER#1``."""
    remaining = iter(values)
    return _PLACEHOLDER.sub(lambda _: str(next(remaining)), template)


def _example(column: str, plain: Sequence[dict[str, Any]], design: TableDesign, connection: Any, fallback: Any) -> Any:
    """A value of ``column``: from a sampled item that copies it, else the source's smallest."""
    value = next((item[column] for item in plain if column in item), None)
    if value is None and connection is not None:
        try:
            return fallback(connection, design, column)
        except ValueError:
            return None
    return value
