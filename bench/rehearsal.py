"""Full-load throughput of the rehearsal against plain boto3 ``batch_writer``, in one run.

    python bench/rehearsal.py

Starts a throwaway MariaDB (Sakila data) and dynalite, then (a) runs the rehearsal's full load
(read from MySQL, map with the stack's mappings, write), and (b) writes the same items with boto3's
resource ``batch_writer`` (items built beforehand, so the baseline pays for writing only). Both
into fresh tables on the same dynalite. Prints rows/s for each and the ratio (target: within 1.5x).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from boto3.dynamodb.types import TypeDeserializer
from stacks.rehearsal.__main__ import DDL, SCHEMA, builder_for, connect
from stacks.rehearsal.data import generate, load
from stacks.rehearsal.dynamo import client, create_table
from stacks.rehearsal.load import full_load, source_rows
from stacks.rehearsal.servers import Dynalite, MariaDB

from mappings.engine import Rejection
from stacks.sakila_design import SAKILA_DESIGN


def main() -> None:
    import dataclasses

    import boto3

    with tempfile.TemporaryDirectory() as directory:
        mariadb, dynalite = MariaDB.start(Path(directory)), Dynalite.start()
        try:
            mariadb.execute_file(SCHEMA, DDL)
            url = mariadb.url(SCHEMA)
            load(connect(url), generate())
            connection, ddb = connect(url), client(dynalite.endpoint_url)
            builder, tables = builder_for(connection)

            create_table(ddb, SAKILA_DESIGN)
            start = time.perf_counter()
            report = full_load(connection, ddb, builder, SCHEMA, tables, progress=lambda *_: None)
            ours = time.perf_counter() - start

            items = []
            for table in tables:
                for row in source_rows(connection, table):
                    built = builder.build(SCHEMA, table, row)
                    if not isinstance(built, Rejection):
                        items.append(built)
            baseline_design = dataclasses.replace(SAKILA_DESIGN, table_name="baseline-table")
            create_table(ddb, baseline_design)
            deserializer = TypeDeserializer()
            python_items = [{k: deserializer.deserialize(v) for k, v in item.items()} for item in items]
            resource = boto3.resource(
                "dynamodb",
                endpoint_url=dynalite.endpoint_url,
                region_name="us-east-1",
                aws_access_key_id="local",
                aws_secret_access_key="local",
            )
            start = time.perf_counter()
            with resource.Table("baseline-table").batch_writer(overwrite_by_pkeys=["pk", "sk"]) as writer:
                for python_item in python_items:
                    writer.put_item(Item=python_item)
            baseline = time.perf_counter() - start
        finally:
            dynalite.stop()
            mariadb.stop()
    rows = report.rows
    print(f"rehearsal full load : {rows} rows in {ours:.1f} s = {rows / ours:,.0f} rows/s (read + map + write)")
    print(
        f"boto3 batch_writer  : {len(items)} items in {baseline:.1f} s = {len(items) / baseline:,.0f} items/s "
        "(write only)"
    )
    print(f"ratio (rehearsal time / baseline time): {ours / baseline:.2f}")


if __name__ == "__main__":
    main()
