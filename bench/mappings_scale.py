"""Build, validate and serialize table mappings for N tables (default 10,000); print the time.

    python bench/mappings_scale.py [--tables 10000] [--repeat 5]

Each table gets one DynamoDB object mapping with pk/sk and two GSI key templates, like the
article's single-table design. DMS processes at most 2 MB of table mappings per task, and 10,000
object mappings are about 8 MB, so the tables are spread over tasks of --per-task tables each (as
AWS advises), each task selecting its own tables. Target: under 1 s for all of them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mappings import TableMappings, TableMappingsBuilder, TargetEngine


def build(first: int, count: int) -> TableMappings:
    task = f"t{first // count:02d}"
    builder = TableMappingsBuilder(schema="app").include(f"{task}[_]%").to_dynamodb("single-table")
    for i in range(first, first + count):
        builder.map_table(
            f"{task}_table_{i:05d}",
            pk=f"T{i}#${{id}}",
            sk="#METADATA",
            gsi1pk="OWNER#${owner_id}",
            gsi1sk=f"T{i}#${{created_at}}",
        )
    return builder.build()


def run_once(tables: int, per_task: int) -> tuple[float, float, float, int]:
    start = time.perf_counter()
    # construction runs the target-independent checks
    documents = [build(first, min(per_task, tables - first)) for first in range(0, tables, per_task)]
    built = time.perf_counter()
    for mappings in documents:
        issues = mappings.check(TargetEngine.DYNAMODB)
        assert not [i for i in issues if i.is_error], issues[:3]
    checked = time.perf_counter()
    size = sum(len(m.to_json()) for m in documents)
    done = time.perf_counter()
    return built - start, checked - built, done - checked, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=10_000)
    parser.add_argument("--per-task", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    runs = [run_once(args.tables, args.per_task) for _ in range(args.repeat)]
    totals = [sum(r[:3]) for r in runs]
    best = min(range(len(runs)), key=lambda i: totals[i])
    b, c, s, size = runs[best]
    tasks = -(-args.tables // args.per_task)
    print(
        f"{args.tables} tables in {tasks} task documents, {args.repeat} runs: "
        f"median {statistics.median(totals):.3f} s, "
        f"min {min(totals):.3f} s, max {max(totals):.3f} s"
    )
    print(f"  best run: build+validate {b:.3f} s, DynamoDB checks {c:.3f} s, to_json {s:.3f} s ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
