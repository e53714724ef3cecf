"""`make docs`: the API reference builds without a pdoc warning, covers every public module, and has
no broken reference (built once; pdoc links every reference it resolves and leaves the rest as code).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pdoc
import pytest

from tests import timing
from tests.conftest import ROOT

DOCUMENTED = ("constructs_lib", "mappings")
#: A dotted name under a documented package, left as plain code: pdoc could not resolve it.
UNLINKED = re.compile(rf"<code>((?:{'|'.join(DOCUMENTED)})(?:\.\w+)+)(?:\(\))?</code>")


def unlinked_references(site: Path) -> list[str]:
    return sorted(
        f"{page.relative_to(site)}: {match.group(1)}"
        for page in site.rglob("*.html")
        for match in UNLINKED.finditer(page.read_text())
    )


def public_modules() -> set[str]:
    """Every module of the documented packages whose path has no private (``_name``) part."""
    names = set()
    for package in DOCUMENTED:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if not any(part.startswith("_") for part in parts):
                names.add(".".join(parts))
    return names


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "api"
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    result = subprocess.run(
        ["make", "--no-print-directory", "docs", f"DOCS_DIR={out}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timing.seconds(900),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


def test_docs_have_a_page_for_every_public_module_and_none_for_private_ones(site: Path) -> None:
    pages = {".".join(p.relative_to(site).with_suffix("").parts) for p in site.rglob("*.html")} - {"index"}
    assert {"constructs_lib.aws", "mappings", "mappings.design", "mappings.design.table_design"} <= pages
    assert pages == public_modules()
    assert "TableDesign" in (site / "mappings" / "design.html").read_text()


def test_docs_have_no_broken_reference(site: Path) -> None:
    assert unlinked_references(site) == []
    assert '<a href="#MODULES">' in (site / "constructs_lib" / "aws.html").read_text()  # pdoc does link them


def test_a_reference_pdoc_cannot_resolve_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "docs_probe.py").write_text(
        '"""See ``mappings.errors.MappingError`` and ``mappings.errors.NoSuchError``."""\n'
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    pdoc.pdoc("mappings.errors", "docs_probe", output_directory=tmp_path / "site")
    assert unlinked_references(tmp_path / "site") == ["docs_probe.html: mappings.errors.NoSuchError"]
