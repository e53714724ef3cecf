"""Rehearse every schema of ../shared/corpus/mysql-ddl end to end, once: the figures for the closing note.

    python bench/corpus_rehearsal.py [--rows 50] [--cdc 300]

Each schema's DDL as its project ships it, with the test stack of ``tests/corpus_stack.py`` (one
entity per table, keys from the primary key; tables without one excluded and reported), synthetic
rows, a full load, ``--cdc`` changes followed from the binlog, verify. One line per schema.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dms_dynamodb.cli import main as dms_dynamodb  # noqa: E402
from mappings.schema import SourceSchema  # noqa: E402
from tests.corpus_stack import corpus_stack  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "mysql-ddl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--cdc", type=int, default=300)
    args = parser.parse_args()
    failed = 0
    for ddl in sorted(p for p in CORPUS.glob("*.sql") if not p.name.endswith(".mysqldump.sql")):
        database = json.loads(ddl.with_suffix(".expected.json").read_text())["database"]
        schema = SourceSchema.from_ddl(ddl.read_text(), name=database)
        with tempfile.TemporaryDirectory() as directory:
            stack = Path(directory) / "stack.tf.json"
            stack.write_text(json.dumps(corpus_stack(schema)))
            out = io.StringIO()
            started = time.perf_counter()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                status = dms_dynamodb(
                    ["rehearse", "--stack", str(stack), "--ddl", str(ddl), "--schema", database,
                     "--rows", str(args.rows), "--cdc", str(args.cdc), "--quiet"]
                )  # fmt: skip
        seconds = time.perf_counter() - started
        text = out.getvalue()
        tables = [t for t in schema.tables.values() if not t.is_view]
        without_key = sorted(t.name for t in tables if not t.primary_key)
        verify = next((line for line in text.splitlines() if line.startswith("verify:")), "no verify line")
        workload = next((line for line in text.splitlines() if line.startswith("workload: made")), "")
        print(
            f"{ddl.stem:26} {'clean' if status == 0 else 'NOT CLEAN'} in {seconds:5.1f} s: {len(tables)} tables, "
            f"{len(without_key)} without a primary key (excluded{': ' + ', '.join(without_key) if without_key else ''}); "
            f"{verify.removeprefix('verify: ')}{'; ' + workload if workload else ''}"
        )
        failed += status != 0
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
