"""The provider loader: only the modules we use, byte-identical output, loud failure on a new layout."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from pathlib import Path

import pytest

from constructs_lib import aws
from tests.conftest import ROOT


def _synth(out: Path, mode: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DMS_")}
    env.update(CDKTF_OUTDIR=str(out), DMS_CDKTF_PROVIDER_IMPORT=mode)
    result = subprocess.run([sys.executable, "main.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]


def test_plain_and_lazy_imports_give_byte_identical_stacks(tmp_path: Path) -> None:
    _synth(tmp_path / "plain", "plain")
    _synth(tmp_path / "lazy", "lazy")
    names = sorted(p.parent.name for p in (tmp_path / "plain").glob("stacks/*/cdk.tf.json"))
    assert names == ["aurora-serverless", "existing-source", "minimal", "sakila", "shop"]
    for name in names:
        plain = tmp_path / "plain" / "stacks" / name / "cdk.tf.json"
        lazy = tmp_path / "lazy" / "stacks" / name / "cdk.tf.json"
        assert filecmp.cmp(plain, lazy, shallow=False), name


def test_lazy_path_skips_the_package_init() -> None:
    code = (
        "import sys, constructs_lib.aws as a; pkg = sys.modules[a.PACKAGE];"
        "loaded = [m for m in sys.modules if m.startswith(a.PACKAGE + '.')];"
        "assert not hasattr(pkg, '__all__'), 'the package __init__ ran';"
        "assert len(loaded) < 100, len(loaded); print(len(loaded))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={k: v for k, v in os.environ.items() if k != aws.IMPORT_MODE_ENV},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout.strip()) >= 20  # the resource modules the constructs use (of ~2,200)


def test_layout_check_fails_loudly_without_the_assembly(tmp_path: Path) -> None:
    (tmp_path / "_jsii").mkdir()
    with pytest.raises(aws.ProviderLayoutError, match=r"has no _jsii/provider-aws@21\.22\.1\.jsii\.tgz"):
        aws.verify_layout([str(tmp_path)])


def test_unknown_module_fails_loudly() -> None:
    with pytest.raises(aws.ProviderLayoutError, match="no_such_resource not found"):
        aws.load("no_such_resource")
