"""``resync`` of a verify report: how long a repair of N findings takes, and that a second one changes nothing.

    python bench/resync.py [--rows 20000] [--findings 1000] [--settle 1]

A throwaway MariaDB holds one table of ``--rows`` rows (``bench/verify.py``'s stack), loaded into
dynalite; then ``--findings`` items are damaged (half deleted, half with an attribute changed), a full
verify writes its report, and ``dms-dynamodb resync --report`` is timed (the plan, the writes, the
settled re-verify of those keys), then a second resync, and a full verify that must be clean.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import tempfile
import time
from pathlib import Path

from bench.verify import MAPPINGS, _stack, events_table
from dms_dynamodb.cli import main as cli
from dms_dynamodb.dynamodb.client import client, create_table
from dms_dynamodb.load import full_load
from dms_dynamodb.plan import make_plan
from dms_dynamodb.rehearsal.servers import Dynalite, MariaDB
from dms_dynamodb.source.connection import connect


def _quiet(*arguments: str) -> tuple[int, float, str]:
    out = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out):
        status = cli(list(arguments))
    return status, time.perf_counter() - started, out.getvalue()


def run(rows: int, findings: int, settle: float) -> None:
    with tempfile.TemporaryDirectory() as directory:
        mariadb, dynalite = MariaDB.start(Path(directory) / "mariadb"), Dynalite.start()
        try:
            url = events_table(mariadb, rows)
            stack = _stack()
            stack_file = Path(directory) / "stack.json"
            stack_file.write_text(json.dumps(_document()))  # the same stack, as a file for the command
            plan = make_plan(stack, stack.task(None), connect(url))
            ddb = client(dynalite.endpoint_url)
            create_table(ddb, stack.tables["bench-events"])
            full_load(url, ddb, plan, threads=8)
            step = max(1, rows // findings)
            for n, event_id in enumerate(range(1, rows + 1, step)[:findings]):
                key = {"pk": {"S": f"ACCOUNT#{event_id % 997}"}, "sk": {"S": f"EVENT#{event_id}"}}
                if n % 2:
                    ddb.delete_item(TableName="bench-events", Key=key)
                else:
                    ddb.update_item(
                        TableName="bench-events",
                        Key=key,
                        UpdateExpression="SET kind = :k",
                        ExpressionAttributeValues={":k": {"S": "damaged"}},
                    )
            servers = ["--stack", str(stack_file), "--mysql-url", url, "--endpoint-url", dynalite.endpoint_url]
            report = str(Path(directory) / "verify.jsonl")
            status, verify_seconds, _ = _quiet("verify", *servers, "--report", report)
            assert status == 1
            status, first, out = _quiet("resync", *servers, "--report", report, "--settle", str(settle))
            assert status == 0, out[-2000:]
            status, second, out = _quiet("resync", *servers, "--report", report, "--settle", str(settle))
            assert status == 0 and "0 put, 0 delete" in out, out[-2000:]
            status, _, out = _quiet("verify", *servers)
            assert status == 0, out[-2000:]
        finally:
            dynalite.stop()
            mariadb.stop()
    print(
        f"{rows:,} rows, {findings} findings: full verify {verify_seconds:.1f} s; resync --report {first:.1f} s "
        f"({findings / first:,.0f} keys/s, settled re-verify included); second resync (nothing to do) {second:.1f} s; "
        "full verify clean"
    )


def _document() -> dict[str, object]:
    """``bench/verify.py``'s stack as Terraform JSON."""
    task = {"replication_task_id": "bench", "migration_type": "full-load", "table_mappings": json.dumps(MAPPINGS)}
    table = {
        "name": "bench-events",
        "hash_key": "pk",
        "range_key": "sk",
        "attribute": [{"name": "pk", "type": "S"}, {"name": "sk", "type": "S"}],
    }
    return {"resource": {"aws_dynamodb_table": {"t": table}, "aws_dms_replication_task": {"a": task}}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--findings", type=int, default=1000)
    parser.add_argument("--settle", type=float, default=1.0)
    args = parser.parse_args()
    run(args.rows, args.findings, args.settle)


if __name__ == "__main__":
    main()
