"""``dms-dynamodb init``'s arguments: imported by the parser at start-up, so nothing heavy lives here."""

from __future__ import annotations

import argparse

EXAMPLE = "dms-dynamodb init shop-orders --schema stacks/sql/shop-schema.sql --schemas shop --tables customer,orders"


def add_init_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("name", metavar="NAME", help="the stack's name, e.g. shop-orders (stacks/shop_orders.py)")
    source = command.add_mutually_exclusive_group(required=True)
    source.add_argument("--schema", metavar="DDL", help="MySQL DDL of the source (mysqldump --no-data output)")
    source.add_argument(
        "--mysql-url", help="read the schema from a live server; it is written as DDL to stacks/sql/NAME-schema.sql"
    )
    command.add_argument(
        "--schemas",
        metavar="NAME",
        help="the database DMS reads (one per stack); default: the URL's database, or the DDL's USE statement, "
        "or NAME with '-' as '_'",
    )
    command.add_argument(
        "--tables",
        nargs="+",
        metavar="TABLE",
        help="only these tables (comma- or space-separated); default: every table",
    )
    command.add_argument("--force", action="store_true", help="replace a stack init wrote before")
    command.add_argument("--root", default=".", help="the checkout to write into (default: the current directory)")
