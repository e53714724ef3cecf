"""Provider classes are real types to mypy through the one import seam: a wrong keyword is an error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.provider_stubs import used_modules, write_stubs


def test_stubs_cover_exactly_the_modules_the_seam_loads(tmp_path: Path) -> None:
    written = write_stubs(tmp_path)
    assert "dms_endpoint" in written and "dynamodb_table" in written
    assert sorted(
        p.name for p in (tmp_path / "cdktf_cdktf_provider_aws").iterdir() if p.name != "__init__.pyi"
    ) == sorted(["_jsii", *used_modules()])


def test_a_wrong_keyword_to_a_provider_class_is_a_type_error(tmp_path: Path) -> None:
    write_stubs(tmp_path / "stubs")
    snippet = tmp_path / "snippet.py"
    snippet.write_text(
        "from constructs_lib.aws import DmsEndpoint\n"
        "DmsEndpoint(None, 'x', endpoint_id='e', endpoint_type='source', engine_name='mysql', no_such_kwarg=1)\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--follow-imports=silent",
         "--config-file", str(ROOT / "pyproject.toml"), str(snippet)],
        cwd=ROOT,
        env={"MYPYPATH": str(tmp_path / "stubs"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert 'Unexpected keyword argument "no_such_kwarg" for "DmsEndpoint"' in result.stdout, result.stdout
    assert result.returncode == 1
