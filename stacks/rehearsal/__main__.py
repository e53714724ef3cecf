"""``python -m stacks.rehearsal``: rehearse the Sakila migration locally, or against given servers.

run     start a throwaway MariaDB and dynalite, load the Sakila data, full load, queries, verify
load    full load from --mysql-url into --endpoint-url (any DynamoDB, real AWS included)
verify  compare the target with the source; exit 1 on any difference
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mappings.engine import ItemBuilder
from mappings.schema import SourceSchema, mysql_settings
from stacks.rehearsal.cdc import ChangeApplier, Checkpoint, binlog_head, follow
from stacks.rehearsal.data import generate, load
from stacks.rehearsal.dynamo import client, create_table
from stacks.rehearsal.load import full_load
from stacks.rehearsal.patterns import run_patterns
from stacks.rehearsal.servers import ROOT, Dynalite, MariaDB
from stacks.rehearsal.verify import verify
from stacks.rehearsal.workload import run_workload
from stacks.sakila_design import SAKILA_DESIGN
from stacks.sakila_mappings import sakila_table_mappings

SCHEMA = "yourdb"
DDL = ROOT / "stacks" / "sql" / "sakila-schema.sql"


def connect(url: str) -> Any:
    import pymysql

    settings, database = mysql_settings(url)
    return pymysql.connect(
        **settings,
        database=database or SCHEMA,
        autocommit=True,  # every read sees the latest committed rows, not a snapshot from an older read
    )


def builder_for(connection: Any) -> tuple[ItemBuilder, list[str]]:
    """The Sakila stack's own mappings and design, and the source tables they map, in load order."""
    schema = SourceSchema.from_information_schema(connection, SCHEMA)
    builder = ItemBuilder(sakila_table_mappings(SCHEMA), SAKILA_DESIGN, schema.tables)
    tables = builder.mapped_tables(SCHEMA, sorted(schema.tables))
    return builder, tables


def do_load(mysql_url: str, endpoint_url: str | None, exceptions: Path | None = None) -> int:
    connection, ddb = connect(mysql_url), client(endpoint_url)
    builder, tables = builder_for(connection)
    created = create_table(ddb, SAKILA_DESIGN)
    print(
        f"target table {SAKILA_DESIGN.table_name}: {'created' if created else 'exists (re-run: puts are idempotent)'}"
    )
    report = full_load(connection, ddb, builder, SCHEMA, tables, exceptions_file=exceptions)
    print(report.render())
    for rejection in report.rejections[:10]:
        print(f"  rejected {rejection.table_name}: {rejection.reason}: {rejection.error}")
    return 0


def do_patterns(mysql_url: str, endpoint_url: str | None) -> None:
    connection, ddb = connect(mysql_url), client(endpoint_url)
    for result in run_patterns(connection, ddb, SAKILA_DESIGN):
        print(result.render())


def do_verify(mysql_url: str, endpoint_url: str | None) -> int:
    connection, ddb = connect(mysql_url), client(endpoint_url)
    builder, tables = builder_for(connection)
    differences = verify(connection, ddb, builder, SCHEMA, tables)
    print(differences.render())
    return 0 if differences.clean else 1


def do_cdc(
    mysql_url: str, endpoint_url: str | None, checkpoint: Path, start: Checkpoint | None, until_caught_up: bool
) -> int:
    connection, ddb = connect(mysql_url), client(endpoint_url)
    builder, _ = builder_for(connection)
    start = start or Checkpoint.load(checkpoint) or binlog_head(connection)
    stats = follow(mysql_url, ChangeApplier(builder, ddb, SCHEMA), checkpoint, start, until_caught_up=until_caught_up)
    print(stats.render())
    return 0


def run_everything(cdc_operations: int = 0) -> int:
    """Throwaway servers, the Sakila data, the full load, the article's queries, and verify."""
    with tempfile.TemporaryDirectory(prefix="rehearsal-") as directory:
        started = time.perf_counter()
        mariadb, dynalite = MariaDB.start(Path(directory) / "mariadb"), Dynalite.start()
        try:
            mariadb.execute_file(SCHEMA, DDL)
            url = mariadb.url(SCHEMA)
            counts = load(connect(url), generate())
            print(
                f"source: MariaDB ({mariadb.socket}) with {sum(counts.values())} Sakila rows; "
                f"target: dynalite at {dynalite.endpoint_url}"
            )
            start = binlog_head(connect(url))  # before the full load: changes during it are not lost
            do_load(url, dynalite.endpoint_url, Path(directory) / "exceptions.jsonl")
            if cdc_operations:
                workload = run_workload(connect(url), cdc_operations)
                kinds = ", ".join(f"{count} {kind}" for kind, count in workload.by_kind.items())
                print(f"workload: {workload.operations} changes ({kinds})")
                do_cdc(url, dynalite.endpoint_url, Path(directory) / "checkpoint.json", start, until_caught_up=True)
            do_patterns(url, dynalite.endpoint_url)
            status = do_verify(url, dynalite.endpoint_url)
        finally:
            dynalite.stop()
            mariadb.stop()
        print(
            f"rehearsal finished in {time.perf_counter() - started:.1f} s: {'clean' if status == 0 else 'DIFFERENCES'}"
        )
        return status


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stacks.rehearsal", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="everything, on throwaway local servers")
    run.add_argument(
        "--cdc",
        type=int,
        nargs="?",
        const=2000,
        default=0,
        metavar="N",
        help="after the full load, N random changes followed by CDC (default N: 2000)",
    )
    for name in ("load", "verify", "patterns", "cdc"):
        command = sub.add_parser(name)
        command.add_argument("--mysql-url", required=True, help="mysql://user:pw@host:port/db[?unix_socket=...]")
        command.add_argument("--endpoint-url", help="DynamoDB endpoint (default: AWS for the configured region)")
        if name == "load":
            command.add_argument("--exceptions", type=Path, help="write rejected rows here (JSON lines)")
        if name == "cdc":
            command.add_argument("--checkpoint", type=Path, required=True, help="where the applied position is kept")
            command.add_argument(
                "--start",
                help="binlog FILE:POSITION to start from when there is no checkpoint (record it before the full load)",
            )
            command.add_argument("--until-caught-up", action="store_true", help="stop at the end of the binlog")
    args = parser.parse_args(argv)
    if args.command == "run":
        return run_everything(args.cdc)
    if args.command == "cdc":
        start = Checkpoint(*args.start.rsplit(":", 1)) if args.start else None
        if start is not None:
            start = Checkpoint(start.log_file, int(start.log_pos))
        return do_cdc(args.mysql_url, args.endpoint_url, args.checkpoint, start, args.until_caught_up)
    if args.command == "load":
        return do_load(args.mysql_url, args.endpoint_url, args.exceptions)
    if args.command == "patterns":
        do_patterns(args.mysql_url, args.endpoint_url)
        return 0
    return do_verify(args.mysql_url, args.endpoint_url)


if __name__ == "__main__":
    sys.exit(main())
