"""``dms-dynamodb``: every tool of the project, driven by the synthesized Terraform JSON.

Exit codes are a contract: 0 clean; 1 differences, rejected rows or check errors; 2 usage errors
or nothing to do (e.g. the task selects no table of the source); 3 incomplete (``verify`` lost the
source or the target mid-run: no verdict); 130 interrupted (Ctrl-C: one line says what was done and
what to run again). Errors are one message on stderr, never a traceback (``--debug`` shows it), and
never with the source's password. Results go to stdout, progress to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dms_dynamodb.cdc.command import add_cdc_arguments
from dms_dynamodb.check_stack import ChecksFailed, require_clean_stack
from dms_dynamodb.commands import (
    EXAMPLE_STACK,
    UsageError,
    bounded_int,
    connect_source,
    create_targets,
    defaults_file_argument,
    dynamodb,
    live_schema,
    open_task,
    plan_task,
    schema_from_ddl,
    server_arguments,
    skip_checks_argument,
    stack_arguments,
)
from dms_dynamodb.cutover.command import add_cutover_arguments
from dms_dynamodb.documents import add_commands
from dms_dynamodb.export.command import EXAMPLE as EXPORT_EXAMPLE
from dms_dynamodb.export.command import add_export_arguments
from dms_dynamodb.init.arguments import EXAMPLE as INIT_EXAMPLE
from dms_dynamodb.init.arguments import add_init_arguments
from dms_dynamodb.report.arguments import EXAMPLE as REPORT_EXAMPLE
from dms_dynamodb.report.arguments import add_report_arguments
from dms_dynamodb.resync.command import EXAMPLE as RESYNC_EXAMPLE
from dms_dynamodb.resync.command import add_resync_arguments
from dms_dynamodb.source.url import SourceUrlError, redact, scrub, settings, with_defaults_file
from dms_dynamodb.stack import StackError, read_stack
from dms_dynamodb.table_choice import choose_for_argument, tables_argument
from dms_dynamodb.verify.export_command import add_export_verify_arguments
from mappings.errors import MappingError

if TYPE_CHECKING:
    pass

# --------------------------------------------------------------------------------- commands


def cmd_check_stack(args: argparse.Namespace) -> int:
    from dms_dynamodb.check_stack import check_stack

    stack = read_stack(args.stack)
    if not stack.tasks:
        raise UsageError(f"{stack.path} defines no DMS task: nothing to check")
    if args.mysql_url:
        names = sorted({n for t in stack.tasks for n in t.schema_names})
        if len(names) != 1:
            raise UsageError(f"the tasks name {len(names)} schemas ({', '.join(names)}); check one with --schema DDL")
        schema = live_schema(args.mysql_url, names[0])
    else:
        try:
            ddl = Path(args.schema).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read {args.schema}: {exc.strerror}") from None
        except UnicodeDecodeError as exc:
            raise UsageError(f"{args.schema} is not UTF-8 (byte {exc.start}: {exc.reason})") from None
        names = sorted({n for t in stack.tasks for n in t.schema_names})
        schema = schema_from_ddl(ddl, name=args.schema_name or (names[0] if len(names) == 1 else ""), label=args.schema)
    findings = check_stack(stack, schema)
    for line in findings.lines:
        print(line)
    print(
        f"{stack.path}: {len(stack.tasks)} task(s) checked together against {len(stack.tables)} table(s): "
        f"{findings.errors} error(s), {findings.warnings} warning(s)"
    )
    return 1 if findings.errors or (args.strict and findings.warnings) else 0


def cmd_hcl_repair(args: argparse.Namespace) -> int:
    from dms_dynamodb.hcl_repair import repair_stacks

    for path in repair_stacks(Path(args.out), Path(args.json)):
        print(f"repaired {path}")
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    from dms_dynamodb.load import full_load
    from dms_dynamodb.progress import Progress

    stack, task = open_task(args.stack, args.task)
    plan = plan_task(args.mysql_url, stack, task, sys.stdout)
    checked = require_clean_stack(stack, task.task_id, plan.builder.schemas, skip=args.skip_checks, doing="loaded")
    choice = choose_for_argument(plan, args.tables)
    plan = choice.plan if choice else plan
    ddb = dynamodb(args.endpoint_url)
    create_targets(ddb, plan, sys.stdout)
    report = full_load(
        args.mysql_url, ddb, plan, exceptions_file=args.exceptions, progress=Progress(enabled=not args.quiet)
    )
    print(report.render())
    if report.rejections:
        where = f"; all of them in {args.exceptions}" if args.exceptions else "; write them all with --exceptions FILE"
        print(f"{len(report.rejections)} rows rejected (DMS would not write them){where}")
        if not args.allow_rejections:
            print(checked)
            return 1
    if choice:
        print(choice.summary())
    print(checked)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from dms_dynamodb.verify.command import cmd_verify as verify_command

    return verify_command(args)


def _cdc(args: argparse.Namespace) -> int:
    from dms_dynamodb.cdc.command import cmd_cdc
    from dms_dynamodb.cdc.status import whole_lines

    with whole_lines():  # on a non-terminal: whole lines only, stdout and stderr never cut each other's
        return cmd_cdc(args)


def _export(args: argparse.Namespace) -> int:
    from dms_dynamodb.export.command import cmd_export

    return cmd_export(args)


def _cutover(args: argparse.Namespace) -> int:
    from dms_dynamodb.cutover.command import cmd_cutover

    return cmd_cutover(args)


def _resync(args: argparse.Namespace) -> int:
    from dms_dynamodb.resync.command import cmd_resync

    return cmd_resync(args)


def _init(args: argparse.Namespace) -> int:
    from dms_dynamodb.init.command import cmd_init

    return cmd_init(args)


def _report(args: argparse.Namespace) -> int:
    from dms_dynamodb.report.command import cmd_report

    return cmd_report(args)


def _rehearse(args: argparse.Namespace) -> int:
    from dms_dynamodb.rehearsal.workflow import cmd_rehearse

    previous = os.umask(0o077)  # its reports hold row data: every file it creates is its owner's only
    try:
        return cmd_rehearse(args)
    finally:
        os.umask(previous)


def cmd_preflight(args: argparse.Namespace) -> int:
    from dms_dynamodb.preflight import Status, preflight
    from dms_dynamodb.source.connection import mysql_settings

    task = open_task(args.stack, args.task)[1] if args.stack else None
    connection = connect_source(args.mysql_url)
    try:
        findings = preflight(connection, task=task, database=mysql_settings(args.mysql_url)[1])
    finally:
        connection.close()
    for finding in findings:
        print(finding.render())
    errors = sum(f.status is Status.ERROR for f in findings)
    warnings = sum(f.status is Status.WARNING for f in findings)
    print(f"preflight of {redact(args.mysql_url)}: {errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0


# --------------------------------------------------------------------------------- parser


def debug_argument(command: argparse.ArgumentParser) -> None:
    """``--debug`` after the subcommand too; SUPPRESS keeps the subcommand from resetting one given before it."""
    command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks")


def _parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="dms-dynamodb",
        description="Check, rehearse, load, verify and follow a MySQL -> DynamoDB DMS migration from its Terraform JSON.",
        epilog="exit codes: 0 clean; 1 differences, rejected rows or check errors; 2 usage errors or nothing to do; "
        "3 incomplete: a server was lost mid-run (verify: no verdict, the report ends with an INCOMPLETE record); "
        "130 interrupted (Ctrl-C)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks (before or after the subcommand)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_commands(sub)
    for name in ("check", "design", "fmt"):
        debug_argument(sub.choices[name])

    def command(name: str, help: str, example: str, run: Callable[[argparse.Namespace], int]) -> Any:
        parsed = sub.add_parser(
            name, help=help, description=help, epilog="example:\n  " + example, formatter_class=formatter
        )
        parsed.set_defaults(run=run)
        debug_argument(parsed)
        return parsed

    init = command(
        "init",
        "write a first stack from a schema: its single-table design by the article's method, registered for make",
        INIT_EXAMPLE,
        _init,
    )
    add_init_arguments(init)

    check_stack = command(
        "check-stack",
        "check every task of a synthesized stack together against the source schema and the stack's tables",
        f"dms-dynamodb check-stack --stack {EXAMPLE_STACK} --schema stacks/sql/shop-schema.sql",
        cmd_check_stack,
    )
    stack_arguments(check_stack, task=False)
    source = check_stack.add_mutually_exclusive_group(required=True)
    source.add_argument("--schema", help="MySQL DDL of the source (mysqldump --no-data output)")
    source.add_argument("--mysql-url", help="read the schema from a live server")
    defaults_file_argument(check_stack)
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
        _rehearse,
    )
    stack_arguments(rehearse)
    rehearse.add_argument("--ddl", required=True, help="the source's CREATE TABLE statements (mysqldump --no-data)")
    data = rehearse.add_mutually_exclusive_group()
    data.add_argument("--data", help="a SQL file of INSERTs (e.g. mysqldump --no-create-info output)")
    data.add_argument(
        "--rows",
        type=bounded_int(0, 10**7),
        help="synthetic rows per table (default 100; none when the --ddl file holds INSERTs of its own)",
    )
    rehearse.add_argument("--schema", help="the database the DDL creates (default: the one the task's mappings name)")
    rehearse.add_argument(
        "--cdc",
        type=bounded_int(0, 10**7),
        default=0,
        metavar="N",
        help="after the full load, N random changes followed by CDC",
    )
    rehearse.add_argument(
        "--live",
        action="store_true",
        help="with --cdc N: the workload writes while the follower follows, verify --settle runs during the writes, "
        "then the writes stop and the cutover gate ends the run",
    )
    rehearse.add_argument(
        "--settle", type=float, default=5.0, help="with --live: seconds a difference must persist (default 5)"
    )
    rehearse.add_argument("--seed", type=int, default=1, help="seed of the synthetic rows and the workload")
    rehearse.add_argument("--report", help="write verify's findings here (JSON lines); rejected rows beside it")
    rehearse.add_argument(
        "--design", help="module:NAME of the stack's TableDesign: run its access patterns on the loaded table"
    )
    rehearse.add_argument("--quiet", action="store_true", help="no progress bars")
    rehearse.add_argument("--report-html", metavar="DIR", help="at the end, the target as item collections (report)")
    skip_checks_argument(rehearse)
    report = command(
        "report",
        "the target table as item collections: a static HTML page (opens from disk) and the same as report.md",
        REPORT_EXAMPLE,
        _report,
    )
    add_report_arguments(report)

    load = command(
        "load",
        "full load from a MySQL server into DynamoDB with the stack's task (any MySQL, any DynamoDB endpoint)",
        f"dms-dynamodb load --stack {EXAMPLE_STACK} --mysql-url mysql://user:pw@127.0.0.1:3306/ --endpoint-url http://127.0.0.1:8000",
        cmd_load,
    )
    stack_arguments(load)
    server_arguments(load)
    load.add_argument(
        "--exceptions", type=Path, help="write every rejected row here (JSON lines, awsdms_apply_exceptions columns)"
    )
    load.add_argument("--allow-rejections", action="store_true", help="exit 0 even when rows were rejected")
    tables_argument(load, "load")
    skip_checks_argument(load)
    load.add_argument("--quiet", action="store_true", help="no progress bars")

    verify = command(
        "verify",
        "compare the target tables with what the task's mappings make of the source (MISSING_TARGET, MISSING_SOURCE, RECORD_DIFF)",
        f"dms-dynamodb verify --stack {EXAMPLE_STACK} --mysql-url mysql://user:pw@db:3306/ --report verify.jsonl",
        cmd_verify,
    )
    stack_arguments(verify)
    server_arguments(verify)
    verify.add_argument("--report", help="write every finding here (JSON lines)")
    tables_argument(verify, "verify")
    skip_checks_argument(verify)
    verify.add_argument(
        "--segments",
        type=bounded_int(1, 1000),
        default=4,
        help="parallel scan segments (DynamoDB TotalSegments; one thread each: 1 to 1000, default 4)",
    )
    verify.add_argument(
        "--settle",
        type=float,
        metavar="SECONDS",
        help="on a live source: read each difference again until it has persisted SECONDS (a real finding) or "
        "resolved (a change in flight, IN_FLIGHT: not a finding); use at least the CDC latency",
    )
    verify.add_argument(
        "--since",
        metavar="FILE:POS",
        help="incremental: only the rows changed since this binlog position (verify prints the position it verified at)",
    )

    add_export_verify_arguments(verify)

    export = command(
        "export",
        "write each target table of the task as a DynamoDB full export (local files), or start one on AWS (--s3-bucket)",
        EXPORT_EXAMPLE,
        _export,
    )
    stack_arguments(export)
    add_export_arguments(export)

    cdc = command(
        "cdc",
        "follow the source's binlog into DynamoDB with DMS's CDC semantics; resumable from a checkpoint",
        f"dms-dynamodb cdc --stack {EXAMPLE_STACK} --mysql-url mysql://... --checkpoint cdc.json --start binlog.000003:4",
        _cdc,
    )
    stack_arguments(cdc)
    server_arguments(cdc)
    add_cdc_arguments(cdc)

    cutover = command(
        "cutover",
        "the gate before a switchover: source quiet, caught up, no apply exceptions, an incremental verify clean, "
        "the source head held to the end",
        f"dms-dynamodb cutover --stack {EXAMPLE_STACK} --mysql-url mysql://... --checkpoint cdc.json "
        "--since verify.jsonl --settle 5",
        _cutover,
    )
    stack_arguments(cutover)
    server_arguments(cutover)
    add_cutover_arguments(cutover)

    resync = command(
        "resync",
        "make the target agree with the source again for what verify (--report), --key or --exceptions name",
        RESYNC_EXAMPLE,
        _resync,
    )
    stack_arguments(resync)
    server_arguments(resync)
    add_resync_arguments(resync)

    preflight = command(
        "preflight",
        "check a live MySQL source for what DMS needs (binlog ROW/FULL, retention, grants, keys, the mapped tables)",
        f"dms-dynamodb preflight --mysql-url mysql://dms_user:pw@db.example.com:3306/ --stack {EXAMPLE_STACK}",
        cmd_preflight,
    )
    preflight.add_argument("--mysql-url", required=True, help="connect as the user DMS will use")
    defaults_file_argument(preflight)
    preflight.add_argument(
        "--stack",
        help="also check what this stack's task migrates (name or Terraform JSON path); default: the URL's database",
    )
    preflight.add_argument("--task", help="the DMS task id, when the stack has several")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    url = _source_url(args)

    def fail(message: str, status: int) -> int:
        if args.debug:
            traceback.print_exc()
        print(scrub(f"dms-dynamodb {args.command}: {message}", url), file=sys.stderr)  # never the password
        return status

    try:
        if url:
            settings(url)  # a URL without a user, or one that is no mysql:// URL, is a usage error before anything runs
        return int(args.run(args))
    except (UsageError, StackError, SourceUrlError) as exc:
        return fail(str(exc), 2)
    except (MappingError, ChecksFailed) as exc:
        return fail(str(exc), 1)
    except KeyboardInterrupt as exc:  # the commands that run long say what was done and what to rerun
        return fail(str(exc) or "interrupted", 130)
    except Exception as exc:
        return fail(f"{type(exc).__name__}: {exc} (--debug shows where)", 1)


def _source_url(args: argparse.Namespace) -> str | None:
    """``--mysql-url`` with ``--mysql-defaults-file`` folded in (every worker and follower reads the file itself)."""
    url: str | None = getattr(args, "mysql_url", None)
    defaults_file: str | None = getattr(args, "mysql_defaults_file", None)
    if url and defaults_file:
        url = args.mysql_url = with_defaults_file(url, defaults_file)
    return url


if __name__ == "__main__":
    raise SystemExit(main())
