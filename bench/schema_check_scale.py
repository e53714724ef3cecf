"""Check mappings against a schema of N tables x M columns (default 5,000 x 20); print the time.

    python bench/schema_check_scale.py [--tables 5000] [--columns 20] [--repeat 3]

Every table gets an entity (pk/sk and a GSI key from its columns), so every check runs on every
table, the cross-entity key-collision search included. Target: under 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mappings.design import Entity, GlobalSecondaryIndex, KeyAttribute, TableDesign
from mappings.schema import Column, SourceSchema, Table
from mappings.validation.schema_checks import check_tasks_against_schema


def schema(tables: int, columns: int) -> SourceSchema:
    result = []
    for t in range(tables):
        cols = [Column("id", "int", nullable=False, unsigned=True), Column("owner_id", "int", nullable=False)]
        cols += [Column(f"c{c}", "varchar", nullable=True, length=100) for c in range(columns - len(cols))]
        result.append(Table(f"t{t:05d}", tuple(cols), ("id",)))
    return SourceSchema.of("app", result)


def design(tables: int) -> TableDesign:
    gsi = GlobalSecondaryIndex(name="GSI1", partition_key=KeyAttribute("gsi1pk"), sort_key=KeyAttribute("gsi1sk"))
    entities = tuple(
        Entity(
            table=f"t{t:05d}",
            partition_key=f"T{t}#${{id}}",
            sort_key="#METADATA",
            index_keys={"gsi1pk": "OWNER#${owner_id}", "gsi1sk": f"T{t}#${{id}}"},
        )
        for t in range(tables)
    )
    return TableDesign(table_name="single-table", indexes=(gsi,), entities=entities)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=5_000)
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    source, layout = schema(args.tables, args.columns), design(args.tables)
    # DMS takes 2 MB of mappings per task, so 5,000 mapped tables are several tasks into one table;
    # they are checked together, key collisions included across tasks.
    per_task = 1000
    documents = [
        TableDesign(
            table_name=layout.table_name, indexes=layout.indexes, entities=layout.entities[i : i + per_task]
        ).table_mappings("app")
        for i in range(0, len(layout.entities), per_task)
    ]
    times, count = [], 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        issues = check_tasks_against_schema(documents, source, design=layout)
        times.append(time.perf_counter() - start)
        count = len(issues)
    print(
        f"{args.tables} tables x {args.columns} columns, {args.repeat} runs: median {statistics.median(times):.3f} s, "
        f"min {min(times):.3f} s, max {max(times):.3f} s ({len(documents)} task documents, {count} findings)"
    )


if __name__ == "__main__":
    main()
