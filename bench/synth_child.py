"""One synthesis, run by bench/synth.py in a fresh process: the Sakila stack, or one with N tasks."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=1)
    args = parser.parse_args()

    from cdktf import App

    from mappings import TableMappingsBuilder
    from stacks.config import StackConfig
    from stacks.sakila import SakilaMigrationStack

    with tempfile.TemporaryDirectory() as out:
        app = App(outdir=out)
        stack = SakilaMigrationStack(app, "sakila", StackConfig())
        pipeline = stack.node.find_child("Migration")
        for i in range(1, args.tasks):
            mappings = (
                TableMappingsBuilder(schema="yourdb")
                .include(f"extra{i}")
                .to_dynamodb("migration-target-table")
                .map_table(f"extra{i}", pk=f"EXTRA{i}#${{id}}")
                .build()
            )
            pipeline.add_task(f"t{i}", mappings)  # type: ignore[attr-defined]
        app.synth()


if __name__ == "__main__":
    main()
