"""`python main.py` (what cdktf.json's app runs, and `make synth` through the CLI) writes the stacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.terraform import unescape
from tests.conftest import ROOT


@pytest.fixture(scope="session")
def main_py_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cdktf.out")
    env = {**os.environ, "CDKTF_OUTDIR": str(out)}
    for key in [k for k in env if k.startswith("DMS_")]:  # defaults only: the output must not depend on the shell
        env.pop(key)
    result = subprocess.run([sys.executable, "main.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def test_main_writes_every_stack(main_py_output: Path) -> None:
    assert sorted(p.parent.name for p in main_py_output.glob("stacks/*/cdk.tf.json")) == [
        "aurora-serverless",
        "existing-source",
        "minimal",
        "sakila",
        "shop",
    ]


def test_main_output_carries_the_articles_mappings(main_py_output: Path, article_mappings: dict[str, Any]) -> None:
    doc = json.loads((main_py_output / "stacks" / "sakila" / "cdk.tf.json").read_text())
    (task,) = doc["resource"]["aws_dms_replication_task"].values()
    assert json.loads(unescape(task["table_mappings"])) == article_mappings


def _without_metadata(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_metadata(v) for k, v in node.items() if k != "//"}
    if isinstance(node, list):
        return [_without_metadata(v) for v in node]
    return node


def test_main_output_matches_the_tested_synthesis(main_py_output: Path, stack_docs: dict[str, Any]) -> None:
    # cdktf's Testing.synth drops the "//" metadata (paths, version stamp); everything else is identical.
    for name, tested in stack_docs.items():
        doc = json.loads((main_py_output / "stacks" / name / "cdk.tf.json").read_text())
        assert _without_metadata(doc) == tested, name
