"""Type stubs of the provider modules the constructs use, so mypy checks every provider call.

The provider package's ``__init__`` imports ~2,200 modules; mypy following it takes minutes. The
modules ``constructs_lib/aws.py`` loads are typed Python already, so their source is their stub:
this copies just those (and an empty package and ``_jsii``) into a stub directory on mypy's path.

    python -m tests.provider_stubs .mypy-stubs      (make lint runs it)
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = "cdktf_cdktf_provider_aws"


def used_modules() -> list[str]:
    """The modules constructs_lib/aws.py loads: the one import seam is also the one list."""
    found = re.findall(
        r"^\s*_\w+ = load\(\"([a-z0-9_]+)\"\)$", (ROOT / "constructs_lib" / "aws.py").read_text(), re.MULTILINE
    )
    return list(dict.fromkeys(found))


def write_stubs(target: Path) -> list[str]:
    spec = importlib.util.find_spec(PACKAGE)
    assert spec is not None and spec.submodule_search_locations, f"{PACKAGE} is not installed"
    source = Path(next(iter(spec.submodule_search_locations)))
    package = target / PACKAGE
    shutil.rmtree(package, ignore_errors=True)
    (package / "_jsii").mkdir(parents=True)
    (package / "__init__.pyi").write_text("")
    (package / "_jsii" / "__init__.pyi").write_text("")
    modules = used_modules()
    for module in modules:
        (package / module).mkdir()
        shutil.copyfile(source / module / "__init__.py", package / module / "__init__.pyi")
    return modules


if __name__ == "__main__":
    written = write_stubs(Path(sys.argv[1] if len(sys.argv) > 1 else ".mypy-stubs"))
    print(f"provider stubs: {len(written)} modules")
