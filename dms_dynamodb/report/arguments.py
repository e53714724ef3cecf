"""``dms-dynamodb report``'s arguments: imported by the parser at start-up, so nothing heavy lives here."""

from __future__ import annotations

import argparse

from dms_dynamodb.commands import stack_arguments

EXAMPLE = (
    "dms-dynamodb report --stack shop --endpoint-url http://localhost:8000 --mysql-url mysql://u@db:3306/shop "
    "--out report   # or: --rehearsal --ddl stacks/sql/shop-schema.sql"
)


def add_report_arguments(command: argparse.ArgumentParser) -> None:
    stack_arguments(command)
    where = command.add_mutually_exclusive_group(required=True)
    where.add_argument("--endpoint-url", help="the DynamoDB endpoint the task wrote to (real AWS: https://dynamodb...)")
    where.add_argument(
        "--rehearsal", action="store_true", help="rehearse first (throwaway servers, --ddl, --rows) and report on it"
    )
    command.add_argument("--mysql-url", help="the source: example key values for the patterns, left-out columns")
    command.add_argument("--ddl", help="with --rehearsal: the source's CREATE TABLE statements")
    command.add_argument("--rows", type=int, default=50, help="with --rehearsal: synthetic rows per table (50)")
    command.add_argument("--design", help="module:NAME of a TableDesign whose access patterns to run")
    command.add_argument("--table", help="the target table to draw (default: the one the task writes)")
    command.add_argument("--verify-report", help="a verify --report file: its findings next to their items")
    command.add_argument("--out", required=True, help="directory for index.html and report.md")
