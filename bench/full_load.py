"""Full-load throughput of the rehearsal against plain boto3 ``batch_writer``, in one run.

    python bench/rehearsal.py

Starts a throwaway MariaDB (Sakila data) and dynalite, then loads the Sakila stack's task
(a) at DMS's defaults (``MaxFullLoadSubTasks`` 8 tables at once, one writer per table) and (b) with
``ParallelLoadThreads`` 8, each read from MySQL, mapped and written; then (c) writes the same items
with boto3's resource ``batch_writer`` from one thread (items built beforehand, so the baseline pays
for writing only). All into fresh tables on the same dynalite. Prints rows/s for each.
"""

from __future__ import annotations

import dataclasses
import tempfile
import time
from pathlib import Path

from bench._sakila import sakila_plan, sakila_servers
from dms_dynamodb.dynamodb.client import client, create_table
from dms_dynamodb.load import full_load
from dms_dynamodb.source.connection import connect
from dms_dynamodb.source.rows import source_rows
from mappings.items import Rejection


def main() -> None:
    import boto3
    from boto3.dynamodb.types import TypeDeserializer

    with tempfile.TemporaryDirectory() as directory, sakila_servers(Path(directory)) as (url, dynalite):
        ddb = client(dynalite.endpoint_url)
        plan = sakila_plan(url)
        (design,) = plan.targets.values()
        figures = {}
        for label, threads in (("defaults (8 tables at once, 1 writer each)", None), ("ParallelLoadThreads 8", 8)):
            if design.table_name in ddb.list_tables()["TableNames"]:  # a fresh table for each run
                ddb.delete_table(TableName=design.table_name)
                ddb.get_waiter("table_not_exists").wait(TableName=design.table_name)
            create_table(ddb, design)
            start = time.perf_counter()
            report = full_load(url, ddb, plan, threads=threads)
            figures[label] = (report.rows, time.perf_counter() - start)
        connection = connect(url)
        items = []
        for schema, table in plan.tables:
            for row in source_rows(connection, schema, table):
                built = plan.builder.build(schema, table, row)
                if not isinstance(built, Rejection):
                    items.append(built)
        create_table(ddb, dataclasses.replace(design, table_name="baseline-table"))
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
    for label, (rows, seconds) in figures.items():
        print(f"rehearsal full load, {label:42}: {rows} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s")
    print(
        f"boto3 batch_writer, one thread (write only){'':21}: {len(items)} items in {baseline:.1f} s = {len(items) / baseline:,.0f} items/s"
    )


if __name__ == "__main__":
    main()
