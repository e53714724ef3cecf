"""``dms-dynamodb rehearse``: throwaway servers, the user's DDL and data (or synthetic rows), full load, CDC, verify."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dms_dynamodb.check_stack import require_clean_stack
from dms_dynamodb.commands import (
    UsageError,
    create_targets,
    dynamodb,
    open_task,
    plan_task,
    schema_from_ddl,
    single_schema,
)
from dms_dynamodb.private_files import private_file
from mappings.schema import SourceSchema

if TYPE_CHECKING:
    from dms_dynamodb.plan import Plan
    from dms_dynamodb.rehearsal.synthetic import Generator


def cmd_rehearse(args: argparse.Namespace) -> int:
    from dms_dynamodb.cdc.apply_exceptions import exceptions_table_design
    from dms_dynamodb.cdc.checkpoint import binlog_head
    from dms_dynamodb.cdc.follower import ChangeApplier, follow
    from dms_dynamodb.dynamodb.client import create_table
    from dms_dynamodb.load import full_load
    from dms_dynamodb.progress import Progress
    from dms_dynamodb.rehearsal.live import LiveRun, rehearse_live
    from dms_dynamodb.rehearsal.patterns import run_patterns
    from dms_dynamodb.rehearsal.servers import Dynalite, MariaDB
    from dms_dynamodb.rehearsal.synthetic import run_workload
    from dms_dynamodb.source.connection import connect
    from dms_dynamodb.source.schema_reader import read_schema
    from dms_dynamodb.verify.full import verify

    if args.live and not args.cdc:
        raise UsageError("--live needs --cdc N: the changes the workload makes while the follower follows")
    if args.settle <= 0:
        raise UsageError(f"--settle takes a number of seconds above 0; got {args.settle}")
    stack, task = open_task(args.stack, args.task)
    try:
        ddl = Path(args.ddl).read_text()
    except OSError as exc:
        raise UsageError(f"cannot read {args.ddl}: {exc.strerror}") from None
    schema_name = args.schema or single_schema(task)
    source_schema = schema_from_ddl(ddl, name=schema_name, label=args.ddl)
    if not source_schema.tables:
        raise UsageError(f"{args.ddl} has no CREATE TABLE statement")
    checked = require_clean_stack(stack, task.task_id, [source_schema], skip=args.skip_checks, doing="rehearsed")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="rehearsal-") as directory, ExitStack() as servers:
        mariadb = MariaDB.start(Path(directory) / "mariadb")
        servers.callback(mariadb.stop)
        dynalite = Dynalite.start()
        servers.callback(dynalite.stop)
        mariadb.execute_file(schema_name, Path(args.ddl))
        url = mariadb.url(schema_name)
        connection = connect(url)
        # The rows are made for the schema the server holds now (a /*!50705 ...*/ part MySQL runs and MariaDB
        # skips, generated columns as the server reports them); the checks above used the DDL as written.
        loaded = read_schema(connection, schema_name)
        generator, origin = _fill_source(args, mariadb, connection, loaded)
        print(f"source: throwaway MariaDB, schema {schema_name} from {args.ddl}, {origin}")
        print(f"target: throwaway dynalite at {dynalite.endpoint_url}")
        start = binlog_head(connection)  # before the full load: changes during it are not lost
        plan = plan_task(url, stack, task, sys.stdout)
        ddb = dynamodb(dynalite.endpoint_url)
        create_targets(ddb, plan, sys.stdout)
        exceptions = Path(args.report).with_suffix(".exceptions.jsonl") if args.report else None
        report = full_load(url, ddb, plan, exceptions_file=exceptions, progress=Progress(enabled=not args.quiet))
        print(report.render())
        status = 1 if report.rejections else 0
        if args.cdc and args.live:
            frozen = {table: _frozen_columns(plan, schema, table) for schema, table in plan.tables}
            run = LiveRun(args.cdc, args.seed, args.settle)
            status = max(status, rehearse_live(url, ddb, plan, start, generator, frozen, run, Path(directory)))
        elif args.cdc:
            tables = [loaded.tables[t] for _, t in plan.tables if not loaded.tables[t].is_view]
            frozen = {table: _frozen_columns(plan, schema, table) for schema, table in plan.tables}
            workload = run_workload(connection, generator, tables, args.cdc, frozen_columns=frozen, seed=args.seed)
            kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(workload.by_kind.items()))
            print(f"workload: {workload.operations} changes ({kinds})")
            if workload.shortfall(args.cdc):
                print(f"workload: {workload.shortfall(args.cdc)}")
            create_table(ddb, exceptions_table_design())  # apply exceptions go where DMS keeps them
            applier = ChangeApplier(plan, ddb, exceptions_table=True)
            stats = follow(url, applier, Path(directory) / "cdc.json", start, report=lambda _: None)
            print(stats.render())
            status = max(status, 1 if stats.exceptions else 0)
        if args.design:
            for pattern in run_patterns(connection, ddb, _design(args.design)):
                print(pattern.render())
        connection.close()
        findings_file = args.report or (str(Path(directory) / "verify.jsonl") if args.report_html else None)
        with ExitStack() as files:
            handle = files.enter_context(private_file(Path(findings_file))) if findings_file else None
            result = verify(url, ddb, plan, report=handle)
        print(result.render())
        status = max(status, 0 if result.clean else 1)
        if args.report_html:
            _report_html(args, stack, task, url, ddb, loaded, Path(findings_file or ""))
    print(checked)
    print(f"rehearsal finished in {time.perf_counter() - started:.1f} s: {'clean' if status == 0 else 'NOT CLEAN'}")
    return status


def _report_html(
    args: argparse.Namespace, stack: Any, task: Any, url: str, ddb: Any, schema: SourceSchema, findings: Path
) -> None:
    """``--report-html DIR``: the target as item collections, with verify's findings, while the servers are up."""
    import json

    from dms_dynamodb.report.command import write_report
    from dms_dynamodb.source.connection import connect

    records = [json.loads(line) for line in findings.read_text().splitlines() if line.strip()]
    connection = connect(url)
    try:
        design = _design(args.design) if args.design else None
        page, markdown = write_report(
            Path(args.report_html), stack, task, ddb, design=design, connection=connection, schema=schema,
            findings=records,
        )  # fmt: skip
    finally:
        connection.close()
    print(f"report: {page} (open it from disk) and {markdown}")


def _fill_source(
    args: argparse.Namespace, mariadb: Any, connection: Any, schema: SourceSchema
) -> tuple[Generator, str]:
    """The user's data (``--data``) or synthetic rows (``--rows``); the generator then makes the CDC workload."""
    from dms_dynamodb.rehearsal.synthetic import Generator, fill

    inserts = data_statements(Path(args.ddl))
    if args.data or (inserts and args.rows is None):
        if args.data:
            mariadb.execute_file(schema.name, Path(args.data))
        generator = Generator(schema, args.seed)
        generator.observe(connection)  # new rows must not collide with the user's
        held = f"; {args.ddl} holds data too ({inserts} INSERT statements): loaded with it" if inserts else ""
        source = f"data from {args.data}" if args.data else f"the data {args.ddl} holds ({inserts} INSERT statements)"
        return generator, source + (held if args.data else "") + ", no synthetic rows (ask for them with --rows N)"
    rows = 100 if args.rows is None else args.rows
    if inserts:
        print(
            f"{args.ddl} holds data too ({inserts} INSERT statements): {rows} synthetic rows per table go on top (--rows)"
        )
    generator, counts = fill(connection, schema, rows, seed=args.seed)
    refused = "".join(f"; the server refused {count} rows of {why}" for why, count in sorted(generator.refused.items()))
    return generator, f"{sum(counts.values())} synthetic rows ({rows} per table){refused}"


def data_statements(ddl: Path) -> int:
    """How many INSERT or REPLACE statements a DDL file holds (a mysqldump without --no-data): its own rows."""
    from mappings.schema.ddl_statements import split_statements

    words = (s.text.lstrip().split(None, 1) for s in split_statements(ddl.read_text(encoding="utf-8")))
    return sum(1 for w in words if w and w[0].upper() in ("INSERT", "REPLACE"))


def _design(spec: str) -> Any:
    """A TableDesign by ``module:NAME`` (the user's own code), for its access patterns."""
    from dms_dynamodb.documents import load_design

    try:
        return load_design(spec)
    except SystemExit as exc:
        raise UsageError(str(exc).removeprefix("error: ")) from None


def _frozen_columns(plan: Plan, schema: str, table: str) -> set[str]:
    """Columns the workload must not update: base-table key columns (DMS cannot apply those updates; they
    have their own tests) and filter columns (DMS's filter page: filter only on columns that never change)."""
    filtered = {f.column_name.lower() for f in plan.builder.filter_for(schema, table).filters}
    return plan.builder.base_key_columns(schema, table) | filtered
