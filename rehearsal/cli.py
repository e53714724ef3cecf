"""``dms-dynamodb``: every tool of the project, driven by the synthesized Terraform JSON.

Exit codes are a contract: 0 clean; 1 differences, rejected rows or check errors; 2 usage errors
or nothing to do (e.g. the task selects no table of the source). Errors are one message on
stderr, never a traceback (``--debug`` shows it). Results go to stdout, progress to stderr.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from mappings.__main__ import add_commands
from mappings.errors import MappingError
from mappings.schema import SourceSchema
from rehearsal.stack import Stack, StackError, StackTask, read_stack

if TYPE_CHECKING:
    from rehearsal.plan import Plan
    from rehearsal.synthetic import Generator

EXAMPLE_STACK = "shop"


class UsageError(Exception):
    """Bad input or nothing to do: exit 2."""


def _stack_arguments(command: argparse.ArgumentParser, *, task: bool = True) -> None:
    command.add_argument(
        "--stack",
        required=True,
        help="a synthesized stack's name (cdktf.out/stacks/NAME/cdk.tf.json) or the path of a Terraform JSON file",
    )
    if task:
        command.add_argument("--task", help="the DMS task id (replication_task_id); needed when the stack has several")


def _server_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--mysql-url", required=True, help="mysql://user:password@host:port/ (or ?unix_socket=/path)")
    command.add_argument("--endpoint-url", help="DynamoDB endpoint (default: AWS, for AWS_REGION)")


def _open(stack_name: str, task_id: str | None) -> tuple[Stack, StackTask]:
    stack = read_stack(stack_name)
    return stack, stack.task(task_id)


def _plan(url: str, stack: Stack, task: StackTask, out: TextIO) -> Plan:
    """Connect, read the schemas the task names, and print what is not modeled before anything runs."""
    from rehearsal.plan import NothingToDo, PlanError, make_plan
    from rehearsal.source import connect

    try:
        connection = connect(url)
    except Exception as exc:
        raise UsageError(f"cannot connect to the source {_redact(url)}: {exc}") from None
    try:
        plan = make_plan(stack, task, connection)
    except (NothingToDo, PlanError) as exc:
        raise UsageError(str(exc)) from None
    finally:
        connection.close()
    tables = ", ".join(f"{s}.{t}" for s, t in plan.tables)
    print(f"task {task.task_id} ({task.migration_type.value}): {len(plan.tables)} tables: {tables}", file=out)
    for note in plan.notes():
        print(note, file=out)
    return plan


def _redact(url: str) -> str:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    return url.replace(f":{parsed.password}@", ":***@") if parsed.password else url


def _ddb(endpoint_url: str | None) -> Any:
    from rehearsal.dynamo import client

    return client(endpoint_url)


def _create_targets(ddb: Any, plan: Plan, out: TextIO) -> None:
    from rehearsal.dynamo import create_table

    for name, design in plan.targets.items():
        created = create_table(ddb, design)
        print(f"target table {name}: {'created' if created else 'exists (re-run: puts are idempotent)'}", file=out)


# --------------------------------------------------------------------------------- commands


def cmd_check_stack(args: argparse.Namespace) -> int:
    from rehearsal.check_stack import check_stack

    stack = read_stack(args.stack)
    if not stack.tasks:
        raise UsageError(f"{stack.path} defines no DMS task: nothing to check")
    if args.mysql_url:
        names = sorted({n for t in stack.tasks for n in t.schema_names})
        if len(names) != 1:
            raise UsageError(f"the tasks name {len(names)} schemas ({', '.join(names)}); check one with --schema DDL")
        schema = SourceSchema.from_mysql(args.mysql_url, database=names[0])
    else:
        try:
            ddl = Path(args.schema).read_text()
        except OSError as exc:
            raise UsageError(f"cannot read {args.schema}: {exc.strerror}") from None
        names = sorted({n for t in stack.tasks for n in t.schema_names})
        schema = SourceSchema.from_ddl(ddl, name=args.schema_name or (names[0] if len(names) == 1 else ""))
    findings = check_stack(stack, schema)
    for line in findings.lines:
        print(line)
    print(
        f"{stack.path}: {len(stack.tasks)} task(s) checked together against {len(stack.tables)} table(s): "
        f"{findings.errors} error(s), {findings.warnings} warning(s)"
    )
    return 1 if findings.errors or (args.strict and findings.warnings) else 0


def cmd_hcl_repair(args: argparse.Namespace) -> int:
    from rehearsal.hcl_repair import repair_stacks

    for path in repair_stacks(Path(args.out), Path(args.json)):
        print(f"repaired {path}")
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    from rehearsal.load import full_load
    from rehearsal.progress import Progress

    stack, task = _open(args.stack, args.task)
    plan = _plan(args.mysql_url, stack, task, sys.stdout)
    ddb = _ddb(args.endpoint_url)
    _create_targets(ddb, plan, sys.stdout)
    report = full_load(
        args.mysql_url, ddb, plan, exceptions_file=args.exceptions, progress=Progress(enabled=not args.quiet)
    )
    print(report.render())
    if report.rejections:
        where = f"; all of them in {args.exceptions}" if args.exceptions else "; write them all with --exceptions FILE"
        print(f"{len(report.rejections)} rows rejected (DMS would not write them){where}")
        if not args.allow_rejections:
            return 1
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from rehearsal.verify import verify

    stack, task = _open(args.stack, args.task)
    plan = _plan(args.mysql_url, stack, task, sys.stdout)
    with ExitStack() as files:
        report = files.enter_context(open(args.report, "w")) if args.report else None
        result = verify(args.mysql_url, _ddb(args.endpoint_url), plan, segments=args.segments, report=report)
    print(result.render())
    if args.report:
        print(f"report: {args.report} (one JSON line per finding)")
    return 0 if result.clean else 1


def cmd_cdc(args: argparse.Namespace) -> int:
    from rehearsal.cdc import CdcStopped, ChangeApplier, Checkpoint, binlog_head, follow
    from rehearsal.dynamo import BatchWriter
    from rehearsal.source import connect

    stack, task = _open(args.stack, args.task)
    plan = _plan(args.mysql_url, stack, task, sys.stdout)
    try:
        start = Checkpoint.parse(args.start) if args.start else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if start is None and Checkpoint.load(args.checkpoint) is None:
        connection = connect(args.mysql_url)
        start = binlog_head(connection)
        connection.close()
        print(f"no checkpoint and no --start: following from the current position {start}")
    ddb = _ddb(args.endpoint_url)
    applier = ChangeApplier(plan, ddb, writer=BatchWriter(ddb, attempts=args.retries))
    try:
        stats = follow(
            args.mysql_url,
            applier,
            args.checkpoint,
            start or Checkpoint("", 4),
            until_caught_up=args.until_caught_up,
            report=lambda line: print(line, file=sys.stderr),
        )
    except CdcStopped as exc:
        print(applier.stats.render())
        print(
            f"CDC stopped: {exc}. The checkpoint {args.checkpoint} holds {exc.checkpoint} (every change before it "
            f"was acknowledged by DynamoDB). Resume with: dms-dynamodb cdc --stack {args.stack} "
            f"{'--task ' + args.task + ' ' if args.task else ''}--mysql-url URL "
            f"{'--endpoint-url ' + args.endpoint_url + ' ' if args.endpoint_url else ''}--checkpoint {args.checkpoint}",
            file=sys.stderr,
        )
        return 1
    print(stats.render())
    return 1 if stats.exceptions else 0


def cmd_rehearse(args: argparse.Namespace) -> int:
    from rehearsal.cdc import ChangeApplier, binlog_head, follow
    from rehearsal.load import full_load
    from rehearsal.patterns import run_patterns
    from rehearsal.progress import Progress
    from rehearsal.servers import Dynalite, MariaDB
    from rehearsal.source import connect
    from rehearsal.synthetic import run_workload
    from rehearsal.verify import verify

    stack, task = _open(args.stack, args.task)
    try:
        ddl = Path(args.ddl).read_text()
    except OSError as exc:
        raise UsageError(f"cannot read {args.ddl}: {exc.strerror}") from None
    schema_name = args.schema or _single_schema(task)
    source_schema = SourceSchema.from_ddl(ddl, name=schema_name)
    if not source_schema.tables:
        raise UsageError(f"{args.ddl} has no CREATE TABLE statement")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="rehearsal-") as directory, ExitStack() as servers:
        mariadb = MariaDB.start(Path(directory) / "mariadb")
        servers.callback(mariadb.stop)
        dynalite = Dynalite.start()
        servers.callback(dynalite.stop)
        mariadb.execute_file(schema_name, Path(args.ddl))
        url = mariadb.url(schema_name)
        connection = connect(url)
        generator, origin = _fill_source(args, mariadb, connection, source_schema)
        print(f"source: throwaway MariaDB, schema {schema_name} from {args.ddl}, {origin}")
        print(f"target: throwaway dynalite at {dynalite.endpoint_url}")
        start = binlog_head(connection)  # before the full load: changes during it are not lost
        plan = _plan(url, stack, task, sys.stdout)
        ddb = _ddb(dynalite.endpoint_url)
        _create_targets(ddb, plan, sys.stdout)
        exceptions = Path(args.report).with_suffix(".exceptions.jsonl") if args.report else None
        report = full_load(url, ddb, plan, exceptions_file=exceptions, progress=Progress(enabled=not args.quiet))
        print(report.render())
        status = 1 if report.rejections else 0
        if args.cdc:
            tables = [source_schema.tables[t] for _, t in plan.tables]
            frozen = {table: _frozen_columns(plan, schema, table) for schema, table in plan.tables}
            workload = run_workload(connection, generator, tables, args.cdc, frozen_columns=frozen, seed=args.seed)
            kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(workload.by_kind.items()))
            print(f"workload: {workload.operations} changes ({kinds})")
            stats = follow(url, ChangeApplier(plan, ddb), Path(directory) / "cdc.json", start, report=lambda _: None)
            print(stats.render())
            status = max(status, 1 if stats.exceptions else 0)
        if args.design:
            for pattern in run_patterns(connection, ddb, _design(args.design)):
                print(pattern.render())
        connection.close()
        with ExitStack() as files:
            handle = files.enter_context(open(args.report, "w")) if args.report else None
            result = verify(url, ddb, plan, report=handle)
        print(result.render())
        status = max(status, 0 if result.clean else 1)
    print(f"rehearsal finished in {time.perf_counter() - started:.1f} s: {'clean' if status == 0 else 'NOT CLEAN'}")
    return status


def _fill_source(
    args: argparse.Namespace, mariadb: Any, connection: Any, schema: SourceSchema
) -> tuple[Generator, str]:
    """The user's data (``--data``) or synthetic rows (``--rows``); the generator then makes the CDC workload."""
    from rehearsal.synthetic import Generator, fill

    if args.data:
        mariadb.execute_file(schema.name, Path(args.data))
        generator = Generator(schema, args.seed)
        generator.observe(connection)  # new rows must not collide with the user's
        return generator, f"data from {args.data}"
    generator, counts = fill(connection, schema, args.rows, seed=args.seed)
    return generator, f"{sum(counts.values())} synthetic rows ({args.rows} per table)"


def _design(spec: str) -> Any:
    """A TableDesign by ``module:NAME`` (the user's own code), for its access patterns."""
    from mappings.__main__ import load_design

    try:
        return load_design(spec)
    except SystemExit as exc:
        raise UsageError(str(exc).removeprefix("error: ")) from None


def _frozen_columns(plan: Plan, schema: str, table: str) -> set[str]:
    """Columns the workload must not update: base-table key columns (DMS cannot apply those updates; they
    have their own tests) and filter columns (DMS's filter page: filter only on columns that never change)."""
    filtered = {f.column_name.lower() for f in plan.builder.filter_for(schema, table).filters}
    return plan.builder.base_key_columns(schema, table) | filtered


def cmd_preflight(args: argparse.Namespace) -> int:
    from mappings.schema import mysql_settings
    from rehearsal.preflight import Status, preflight
    from rehearsal.source import connect

    task = _open(args.stack, args.task)[1] if args.stack else None
    try:
        connection = connect(args.mysql_url)
    except Exception as exc:
        raise UsageError(f"cannot connect to the source {_redact(args.mysql_url)}: {exc}") from None
    try:
        findings = preflight(connection, task=task, database=mysql_settings(args.mysql_url)[1])
    finally:
        connection.close()
    for finding in findings:
        print(finding.render())
    errors = sum(f.status is Status.ERROR for f in findings)
    warnings = sum(f.status is Status.WARNING for f in findings)
    print(f"preflight of {_redact(args.mysql_url)}: {errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0


def _single_schema(task: StackTask) -> str:
    names = [n for n in task.schema_names if not any(ch in n for ch in "%_[")] or list(task.schema_names)
    if len(names) != 1 or any(ch in names[0] for ch in "%["):
        raise UsageError(
            f"task {task.task_id!r} names the schemas {', '.join(task.schema_names) or 'none'}; "
            "say which database the DDL creates with --schema NAME"
        )
    return names[0]


# --------------------------------------------------------------------------------- parser


def _parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="dms-dynamodb",
        description="Check, rehearse, load, verify and follow a MySQL -> DynamoDB DMS migration from its Terraform JSON.",
        epilog="exit codes: 0 clean; 1 differences, rejected rows or check errors; 2 usage errors or nothing to do",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_commands(sub)

    def command(name: str, help: str, example: str, run: Callable[[argparse.Namespace], int]) -> Any:
        parsed = sub.add_parser(
            name, help=help, description=help, epilog="example:\n  " + example, formatter_class=formatter
        )
        parsed.set_defaults(run=run)
        return parsed

    check_stack = command(
        "check-stack",
        "check every task of a synthesized stack together against the source schema and the stack's tables",
        f"dms-dynamodb check-stack --stack {EXAMPLE_STACK} --schema stacks/sql/shop-schema.sql",
        cmd_check_stack,
    )
    _stack_arguments(check_stack, task=False)
    source = check_stack.add_mutually_exclusive_group(required=True)
    source.add_argument("--schema", help="MySQL DDL of the source (mysqldump --no-data output)")
    source.add_argument("--mysql-url", help="read the schema from a live server")
    check_stack.add_argument("--schema-name", help="database the DDL describes (default: the one the tasks name)")
    check_stack.add_argument("--strict", action="store_true", help="fail on warnings too")

    hcl = command(
        "hcl-repair",
        "repair `cdktf synth --hcl` output from the JSON synthesis of the same stacks (`make synth HCL=1` runs both)",
        "dms-dynamodb hcl-repair cdktf.out --json cdktf.json.out  # after cdktf synth --output cdktf.json.out; cdktf synth --hcl",
        cmd_hcl_repair,
    )
    hcl.add_argument("out", nargs="?", default="cdktf.out", help="the HCL synthesis (default cdktf.out)")
    hcl.add_argument("--json", required=True, help="the JSON synthesis of the same stacks")

    rehearse = command(
        "rehearse",
        "throwaway MariaDB and dynalite: your DDL, your data or synthetic rows, full load, optional CDC, verify",
        f"dms-dynamodb rehearse --stack {EXAMPLE_STACK} --ddl stacks/sql/shop-schema.sql --rows 200 --cdc 500",
        cmd_rehearse,
    )
    _stack_arguments(rehearse)
    rehearse.add_argument("--ddl", required=True, help="the source's CREATE TABLE statements (mysqldump --no-data)")
    data = rehearse.add_mutually_exclusive_group()
    data.add_argument("--data", help="a SQL file of INSERTs (e.g. mysqldump --no-create-info output)")
    data.add_argument("--rows", type=int, default=100, help="synthetic rows per table (default 100)")
    rehearse.add_argument("--schema", help="the database the DDL creates (default: the one the task's mappings name)")
    rehearse.add_argument(
        "--cdc", type=int, default=0, metavar="N", help="after the full load, N random changes followed by CDC"
    )
    rehearse.add_argument("--seed", type=int, default=1, help="seed of the synthetic rows and the workload")
    rehearse.add_argument("--report", help="write verify's findings here (JSON lines); rejected rows beside it")
    rehearse.add_argument(
        "--design", help="module:NAME of the stack's TableDesign: run its access patterns on the loaded table"
    )
    rehearse.add_argument("--quiet", action="store_true", help="no progress bars")

    load = command(
        "load",
        "full load from a MySQL server into DynamoDB with the stack's task (any MySQL, any DynamoDB endpoint)",
        f"dms-dynamodb load --stack {EXAMPLE_STACK} --mysql-url mysql://user:pw@127.0.0.1:3306/ --endpoint-url http://127.0.0.1:8000",
        cmd_load,
    )
    _stack_arguments(load)
    _server_arguments(load)
    load.add_argument(
        "--exceptions", type=Path, help="write every rejected row here (JSON lines, awsdms_apply_exceptions columns)"
    )
    load.add_argument("--allow-rejections", action="store_true", help="exit 0 even when rows were rejected")
    load.add_argument("--quiet", action="store_true", help="no progress bars")

    verify = command(
        "verify",
        "compare the target tables with what the task's mappings make of the source (MISSING_TARGET, MISSING_SOURCE, RECORD_DIFF)",
        f"dms-dynamodb verify --stack {EXAMPLE_STACK} --mysql-url mysql://user:pw@db:3306/ --report verify.jsonl",
        cmd_verify,
    )
    _stack_arguments(verify)
    _server_arguments(verify)
    verify.add_argument("--report", help="write every finding here (JSON lines)")
    verify.add_argument("--segments", type=int, default=4, help="parallel scan segments (DynamoDB TotalSegments)")

    cdc = command(
        "cdc",
        "follow the source's binlog into DynamoDB with DMS's CDC semantics; resumable from a checkpoint",
        f"dms-dynamodb cdc --stack {EXAMPLE_STACK} --mysql-url mysql://... --checkpoint cdc.json --start binlog.000003:4",
        cmd_cdc,
    )
    _stack_arguments(cdc)
    _server_arguments(cdc)
    cdc.add_argument("--checkpoint", type=Path, required=True, help="where the applied position is kept")
    cdc.add_argument(
        "--start", help="binlog FILE:POSITION when there is no checkpoint (record it before the full load)"
    )
    cdc.add_argument("--until-caught-up", action="store_true", help="stop at the end of the binlog")
    cdc.add_argument(
        "--retries",
        type=int,
        default=12,
        help="writes DynamoDB refuses (errors, throttling) are retried with backoff up to 10 s this many times "
        "without progress before the follower stops at its checkpoint (default 12: about 45 s)",
    )

    preflight = command(
        "preflight",
        "check a live MySQL source for what DMS needs (binlog ROW/FULL, retention, grants, keys, the mapped tables)",
        f"dms-dynamodb preflight --mysql-url mysql://dms_user:pw@db.example.com:3306/ --stack {EXAMPLE_STACK}",
        cmd_preflight,
    )
    preflight.add_argument("--mysql-url", required=True, help="connect as the user DMS will use")
    preflight.add_argument(
        "--stack",
        help="also check what this stack's task migrates (name or Terraform JSON path); default: the URL's database",
    )
    preflight.add_argument("--task", help="the DMS task id, when the stack has several")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (UsageError, StackError) as exc:
        if args.debug:
            traceback.print_exc()
        print(f"dms-dynamodb {args.command}: {exc}", file=sys.stderr)
        return 2
    except MappingError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"dms-dynamodb {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        print(f"dms-dynamodb {args.command}: {type(exc).__name__}: {exc} (--debug shows where)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
