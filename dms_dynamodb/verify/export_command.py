"""``verify --export PATH ...``: the source against DynamoDB exports instead of the live table.

The same verify (records, ``--report``, exit codes); the target side is each export's items. Each
export names its table by its manifest's ``tableArn``; every target table of the task needs exactly
one, checked against its manifests before anything is read (a missing or partial export: exit 2).
``--engine local`` streams the files into the local verify's SQLite side; ``--engine spark`` runs
the comparison in Spark (``verify.spark``) and also reads ``s3://`` exports where they are.
``--settle`` re-reads each finding on the source and the live table (``--endpoint-url``, else AWS),
so a change made after the export is ``IN_FLIGHT``.

The starting point: an export written with ``export --mysql-url`` carries the source's position read
before it (``dms-dynamodb-position.json``). A clean verify of exports that all carry one is verified
at the earliest of them (every change after it may be missing from an export: ``verify --since`` it);
an export of another source server than ``--mysql-url`` is a usage error naming both. ``--tables``
needs the exports of the chosen tables' targets only, and compares only the items those tables write.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from dms_dynamodb.commands import UsageError

if TYPE_CHECKING:
    from dms_dynamodb.cdc.checkpoint import Checkpoint
    from dms_dynamodb.export.layout import Export
    from dms_dynamodb.export.position import ExportPosition
    from dms_dynamodb.plan import Plan
    from dms_dynamodb.table_choice import TableChoice
    from dms_dynamodb.verify.full import Result

SINCE_WITH_EXPORT = (
    "--since does not combine with --export: an incremental verify reads the rows changed since a position from "
    "the source and the live table, and an export is one earlier time. After a clean verify --export, run "
    "verify --since P without --export (P: the position it printed, read before the export; the export's "
    "dms-dynamodb-position.json)"
)


def add_export_verify_arguments(verify: argparse.ArgumentParser) -> None:
    verify.add_argument(
        "--export",
        action="append",
        metavar="PATH",
        help="compare with this DynamoDB export folder (the one holding manifest-summary.json) instead of the "
        "live table; once per target table (with --tables: per target table of the chosen tables)",
    )
    verify.add_argument(
        "--engine",
        choices=("local", "spark"),
        default="local",
        help="with --export: local (one process, streams the files) or spark (Apache Spark; default local)",
    )
    verify.add_argument(
        "--spark-master",
        help="with --engine spark: the master (default local[*]; a Spark session already running in the process "
        "is used as it is, and a different master is refused)",
    )
    verify.add_argument(
        "--jdbc-jar",
        help="with --engine spark: the MariaDB/MySQL JDBC driver jar (default: Debian's; a running session "
        "without it is refused)",
    )


def refuse_engine_without_export(args: argparse.Namespace) -> None:
    """``--engine``, ``--spark-master`` and ``--jdbc-jar`` mean nothing without ``--export``: a usage error, not ignored."""
    if args.export:
        return
    given = [
        flag
        for flag, value, default in (
            ("--engine", args.engine, "local"),
            ("--spark-master", args.spark_master, None),
            ("--jdbc-jar", args.jdbc_jar, None),
        )
        if value != default
    ]
    if given:
        raise UsageError(f"{', '.join(given)} choose how an export is compared: add --export DIR (one per table)")


def read_exports(
    paths: list[str],
    plan: Plan,
    *,
    engine: str = "local",
    s3: Any = None,
    positions: dict[str, ExportPosition | None] | None = None,
    choice: TableChoice | None = None,
) -> dict[str, Export]:
    """The exports by table name, one per target table of the plan, each checked against its manifests.

    ``s3://`` folders are read where they are by the Spark engine (``s3``: a boto3 S3 client); the local
    engine reads local files only. ``positions`` (when given) receives each export's position file (None:
    it has none). ``choice``: the plan is of ``--tables``, so an export of another target is named as that.
    """
    from dms_dynamodb.export.layout import ExportError, read_export
    from dms_dynamodb.export.position import read_position, read_s3_position
    from dms_dynamodb.export.s3 import read_s3_export

    exports: dict[str, Export] = {}
    for path in paths:
        if path.startswith("s3://") and engine != "spark":
            raise UsageError(
                f"--export {path}: --engine local reads local files; copy the export folder first "
                "(aws s3 sync s3://BUCKET/PREFIX/AWSDynamoDB/EXPORT_ID/ DIR) and pass DIR, or use --engine spark"
            )
        try:
            if path.startswith("s3://"):
                import boto3

                s3 = s3 or boto3.client("s3")
                export = read_s3_export(path, s3)
                position = read_s3_position(s3, path, export) if positions is not None else None
            else:
                export = read_export(Path(path))
                position = read_position(Path(path), export) if positions is not None else None
        except ExportError as exc:
            raise UsageError(f"--export: {exc}") from None
        name = export.table_name
        if name not in plan.targets:
            chosen = ", ".join(f"{s}.{t}" for s, t in plan.tables)
            writes = f"--tables {chosen} write only" if choice else "the task writes"
            leave = ": leave it out" if choice else ""
            raise UsageError(
                f"--export {path} is an export of {name!r} ({export.table_arn}); {writes} "
                f"{', '.join(sorted(plan.targets))}{leave}"
            )
        if name in exports:
            raise UsageError(f"--export {path}: a second export of {name!r} (the first: {exports[name].folder})")
        exports[name] = export
        if positions is not None:
            positions[name] = position
    missing = sorted(set(plan.targets) - set(exports))
    if missing:
        needed = f" (the targets of --tables {', '.join(f'{s}.{t}' for s, t in plan.tables)})" if choice else ""
        raise UsageError(
            f"no --export for the target table(s) {', '.join(missing)}{needed}: pass one export folder per table"
        )
    return exports


def verify_exports(
    args: argparse.Namespace, plan: Plan, ddb: Any, report: TextIO | None, choice: TableChoice | None = None
) -> Result:
    """Run the chosen engine on the exports (raises VerifyIncomplete like the live verify).

    The result's position is the exports' starting point (:func:`starting_point`), or None; its
    ``exports`` names them for the report's ``VERIFIED_AT``.
    """
    from dms_dynamodb.export.layout import ExportError, pages

    if args.since is not None:
        raise UsageError(SINCE_WITH_EXPORT)
    positions: dict[str, ExportPosition | None] = {}
    exports = read_exports(args.export, plan, engine=args.engine, positions=positions, choice=choice)
    for name, export in exports.items():
        print(f"export of {name}: {export.item_count} items at {export.export_time} ({export.folder})")
    start, target = starting_point(args, ddb, positions)
    try:
        if args.engine == "spark":
            result = _spark(args, plan, exports, ddb, report, choice)
        else:
            from dms_dynamodb.verify.full import verify

            result = verify(
                args.mysql_url,
                ddb,
                plan,
                report=report,
                settle_seconds=args.settle,
                keep=choice.keeps if choice else None,
                target_pages=lambda table: pages(exports[table]),
            )
    except ExportError as exc:
        raise UsageError(f"--export: {exc}") from None
    # The target is an export of an earlier time: the verify's own head is no starting point; the export's is.
    why_not = _readable(args.mysql_url, start) if start is not None else _no_position(positions)
    result.position = None if why_not else start
    result.exports = None if why_not else _named(exports, positions, target)
    result.no_position = why_not
    return result


def starting_point(
    args: argparse.Namespace, ddb: Any, positions: dict[str, ExportPosition | None]
) -> tuple[Checkpoint | None, str]:
    """The earliest position read before an export, and the target they were taken from; (None, "") unless
    every export carries one. An export of another source server than ``--mysql-url``, exports of different
    targets, or ``--settle`` reading another live table than the exports' are usage errors naming both."""
    from dms_dynamodb.commands import connect_source
    from dms_dynamodb.cutover.evidence import source_identity, target_identity

    if not positions or any(p is None for p in positions.values()):
        return None, ""
    found = {name: p for name, p in positions.items() if p is not None}
    connection = connect_source(args.mysql_url)
    try:
        source = source_identity(connection)
    finally:
        connection.close()
    for name, position in sorted(found.items()):
        if position.source != source:
            raise UsageError(
                f"the export of {name} is of the source {position.source} (its dms-dynamodb-position.json), "
                f"--mysql-url is {source}: verify an export against the server it was taken from"
            )
    targets = sorted({p.target for p in found.values()})
    if len(targets) > 1:
        raise UsageError(f"the exports were taken from different targets ({', '.join(targets)}): one target only")
    if args.settle is not None and target_identity(ddb, args.endpoint_url) != targets[0]:
        raise UsageError(
            f"--settle reads the findings again on the live table at {target_identity(ddb, args.endpoint_url)}, "
            f"the exports were taken from {targets[0]}: give that --endpoint-url"
        )
    earliest = min((p.position for p in found.values()), key=lambda c: c.order)
    return earliest, targets[0]


def _readable(url: str, start: Checkpoint) -> str:
    """Why ``start`` cannot start a ``--since`` (purged since the export, ...), or "" when it can."""
    from dms_dynamodb.cdc.positions import PositionError, check_source_position

    remedy = "export again with --mysql-url and verify that export, or run a full verify of the live table"
    try:
        check_source_position(url, start, "the exports' starting point", remedy)
    except PositionError as exc:
        return f"this result is no starting point for --since: {exc}"
    return ""


def _named(exports: dict[str, Export], positions: dict[str, ExportPosition | None], target: str) -> dict[str, Any]:
    """What the report's VERIFIED_AT says of the exports: where they were taken from, and each one."""
    return {
        "target": target,
        "tables": {
            name: {
                "export_arn": export.export_arn,
                "export_time": export.export_time,
                "position": str(position.position) if (position := positions[name]) else None,
            }
            for name, export in sorted(exports.items())
        },
    }


def _no_position(positions: dict[str, ExportPosition | None]) -> str:
    without = sorted(name for name, p in positions.items() if p is None)
    return (
        f"the export of {', '.join(without)} records no binlog position (no dms-dynamodb-position.json): this result "
        "is no starting point for --since. Export with dms-dynamodb export --mysql-url URL (the position is read "
        "before the export starts) and verify that export for one"
    )


def _spark(
    args: argparse.Namespace,
    plan: Plan,
    exports: dict[str, Export],
    ddb: Any,
    report: TextIO | None,
    choice: TableChoice | None,
) -> Result:
    try:
        from dms_dynamodb.verify.spark.jdbc import UnreadableColumn, jdbc_url
        from dms_dynamodb.verify.spark.session import spark_session
    except ImportError as exc:  # pragma: no cover - pyspark is an extra
        raise UsageError(f"--engine spark needs pyspark (pip install 'dms-dynamodb-cdktf[spark]'): {exc}") from None
    try:
        jdbc_url(args.mysql_url)
        spark = spark_session(args.spark_master, args.jdbc_jar)
    except (ValueError, FileNotFoundError) as exc:
        raise UsageError(f"--engine spark: {exc}") from None
    from dms_dynamodb.verify.spark.engine import verify_spark

    try:
        return verify_spark(
            spark,
            args.mysql_url,
            plan,
            exports,
            report=report,
            ddb=ddb,
            settle_seconds=args.settle,
            keep=choice.patterns if choice else None,
        )
    except UnreadableColumn as exc:
        raise UsageError(str(exc)) from None
