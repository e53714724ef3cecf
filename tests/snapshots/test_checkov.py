"""checkov (pinned, in its own virtualenv) over every synthesized stack: zero failed checks.

Skipped checks live in one reviewed place, .checkov.yaml, with a reason per check id.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cdktf import Testing as TfTesting

from constructs_lib.guardrails import violations
from stacks.config import StackConfig
from stacks.sakila import SakilaMigrationStack
from tests import timing
from tests.conftest import ROOT
from tests.synth import replication_instance

CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"


def run_checkov(directory: Path) -> list[dict[str, Any]]:
    if not CHECKOV.exists():
        pytest.fail("checkov is not installed in .venv-checkov: run the suite with `make test`")
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
    result = subprocess.run(
        [str(CHECKOV), "-d", str(directory), "--config-file", str(ROOT / ".checkov.yaml"), "--compact", "-o", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=timing.seconds(600),
    )
    assert result.returncode in (0, 1), result.stderr[-3000:]
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    assert all(r["check_type"] == "terraform_json" for r in reports)
    return reports


def _write(directory: Path, name: str, doc: dict[str, Any]) -> None:
    (directory / name).mkdir(parents=True)
    (directory / name / "cdk.tf.json").write_text(json.dumps(doc))


@pytest.fixture(scope="session")
def checkov_reports(stack_docs: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    directory = tmp_path_factory.mktemp("checkov")
    for name, doc in stack_docs.items():
        _write(directory, name, doc)
    return run_checkov(directory)


def test_every_stack_passes_checkov(checkov_reports: list[dict[str, Any]], stack_docs: dict[str, Any]) -> None:
    failed = [
        (c["check_id"], c["resource"], c["file_path"])
        for r in checkov_reports
        for c in r["results"].get("failed_checks", [])
    ]
    assert failed == []
    scanned = {c["file_path"].split("/")[1] for r in checkov_reports for c in r["results"].get("passed_checks", [])}
    assert scanned == set(stack_docs)  # every stack was really scanned


def test_the_skip_list_gives_a_reason_for_every_check() -> None:
    lines = [line for line in (ROOT / ".checkov.yaml").read_text().splitlines() if line.strip().startswith("- CKV")]
    assert lines and all("#" in line and len(line.split("#", 1)[1].strip()) > 20 for line in lines)


def test_an_unsafe_override_is_caught_by_checkov_and_by_our_guard_rail(tmp_path: Path) -> None:
    stack = SakilaMigrationStack(TfTesting.app(), "sakila", StackConfig())
    replication_instance(stack).add_override("publicly_accessible", True)
    doc = json.loads(TfTesting.synth(stack))  # without validations, to hand the JSON to checkov
    assert [v.rule for v in violations(doc)] == ["dms-instance-not-public"]
    _write(tmp_path, "unsafe", doc)
    failed = {c["check_id"] for r in run_checkov(tmp_path) for c in r["results"].get("failed_checks", [])}
    assert failed == {"CKV_AWS_89"}  # "DMS replication instance should not be publicly accessible"
