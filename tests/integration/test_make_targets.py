"""The README's make targets, run as a user runs them (so CI exercises every command README shows).

`make synth HCL=1` (which must print no `[ERROR]`), `make check`, `make rehearse STACK=shop` and
`make rehearse-cdc` (Sakila, with its generated data and 2,000 changes followed from the binlog).
They share cdktf.out with the checkout, as they would for a user.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests import timing
from tests.conftest import ROOT


def _make(*arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")} | environment
    return subprocess.run(
        ["make", "--no-print-directory", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timing.seconds(900),
    )


def test_make_synth_hcl_writes_repaired_hcl_for_every_stack_and_no_false_error(tmp_path: Path) -> None:
    # A Terraform CLI configuration that does not exist made cdktf log `[ERROR]` on every healthy synth.
    result = _make("synth", "HCL=1", TF_CLI_CONFIG_FILE=str(tmp_path / "missing.terraformrc"))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "[ERROR]" not in result.stdout + result.stderr, result.stdout[-3000:] + result.stderr[-2000:]
    stacks = sorted(p.parent.name for p in (ROOT / "cdktf.out" / "stacks").glob("*/cdk.tf"))
    assert stacks == ["aurora-serverless", "existing-source", "minimal", "sakila", "shop"]
    assert result.stdout.count("repaired ") == len(stacks)  # each verified by hcl-repair, or it fails
    sakila = (ROOT / "cdktf.out" / "stacks" / "sakila" / "cdk.tf").read_text()
    assert '\\"value\\":\\"FILM#$${film_id}\\"' in sakila


def test_make_check_checks_every_stack_against_its_ddl() -> None:
    result = _make("check")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    summaries = [line for line in result.stdout.splitlines() if "task(s) checked together" in line]
    assert len(summaries) == 5 and all(": 0 error(s)" in line for line in summaries), summaries


@pytest.mark.parametrize(("target", "stack"), [("rehearse", "shop"), ("rehearse-cdc", "sakila")])
def test_make_rehearse_ends_clean(target: str, stack: str) -> None:
    result = _make(target, f"STACK={stack}")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert result.stdout.rstrip().splitlines()[-1].endswith(": clean")
    if target == "rehearse-cdc":
        assert "workload: " in result.stdout and " 0 apply exceptions" in result.stdout
