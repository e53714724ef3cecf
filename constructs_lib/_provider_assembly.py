"""A trimmed copy of the AWS provider's jsii assembly: only the submodules the constructs use.

Why: with the Python side trimmed (``constructs_lib/aws.py``), most of a synth is node running the
provider's eager ``lib/index.js``, which requires all ~2,200 submodules (~260 MB of JavaScript).
The trimmed tarball holds, for the used submodules only, the package's own files byte for byte, a
``lib/index.js`` made of the package's own ``lib/lazy-index.js`` lines for them, and a ``.jsii``
with only their types. The JavaScript that runs is the same, so the output is the same.

It is built deterministically from the installed tarball, whose SHA-256 is pinned, and checked as
it is built: another tarball, a submodule that is not where this expects it, a type that refers to
a submodule left out, or a ``require`` of anything but ``cdktf``/``constructs``/its own files is a
``ProviderLayoutError`` naming what changed, never a silent fallback.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import posixpath
import re
import tarfile
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

NAME = "@cdktf/provider-aws"
VERSION = "21.22.1"
SOURCE = f"provider-aws@{VERSION}.jsii.tgz"
#: sha256 of cdktf-cdktf-provider-aws==21.22.1's ``_jsii/provider-aws@21.22.1.jsii.tgz``.
SOURCE_SHA256 = "d1446ab6ac6526c6fab4b28a5ebefdd90c0ce56203949925d35a4d286c05cbbf"
#: Bump when the trimmed tarball's contents change for the same inputs (it is part of the cache key).
FORMAT = 2
#: Where the trimmed tarballs go (gitignored; ``make clean`` removes it).
CACHE_DIR = Path(__file__).resolve().parent.parent / ".provider-assembly"

_LAZY_LINE = "Object.defineProperty(exports, '{ns}', {{ get: function () {{ return require('./{dir}'); }} }});"
_REQUIRE = re.compile(r"\brequire\(([^)]*)\)")
_EXTERNAL_REQUIRES = {"cdktf", "constructs"}


class ProviderLayoutError(ImportError):
    """The installed provider package does not look like the one this loader was written for."""


def trimmed_tarball(source: Path, modules: Sequence[str], cache_dir: Path = CACHE_DIR) -> Path:
    """The trimmed tarball for ``modules`` (Python module names), built once per input."""
    stat = source.stat()
    key_text = f"{FORMAT}|{SOURCE_SHA256}|{stat.st_size}|{stat.st_mtime_ns}|{','.join(sorted(set(modules)))}"
    key = hashlib.sha256(key_text.encode()).hexdigest()[:16]
    target = cache_dir / f"provider-aws@{VERSION}-{key}.jsii.tgz"
    if not target.is_file():
        cache_dir.mkdir(parents=True, exist_ok=True)
        data = build(source.read_bytes(), modules)
        with tempfile.NamedTemporaryFile(dir=cache_dir, prefix=".building-", delete=False) as tmp:
            tmp.write(data)
        os.chmod(tmp.name, 0o644)
        os.replace(tmp.name, target)  # atomic: a concurrent builder writes the same bytes
        for stale in cache_dir.glob(f"provider-aws@{VERSION}-*.jsii.tgz"):
            if stale != target:  # built for another module list or installed tarball
                stale.unlink(missing_ok=True)
    return target


def build(source: bytes, modules: Sequence[str], expected_sha256: str = SOURCE_SHA256) -> bytes:
    """The trimmed tarball's bytes (deterministic), or a ``ProviderLayoutError`` naming what changed."""
    actual = hashlib.sha256(source).hexdigest()
    if actual != expected_sha256:
        raise ProviderLayoutError(
            f"{SOURCE} has sha256 {actual}, expected {expected_sha256}: the provider package changed. "
            f"Pin cdktf-cdktf-provider-aws=={VERSION}, or check the trim still holds and update {__name__}"
        )
    dirs = {module: module.replace("_", "-") for module in modules}
    files = _read_members(source, set(dirs.values()))
    assembly = json.loads(files.pop("package/.jsii"))
    lazy_index = files.pop("package/lib/lazy-index.js").decode()

    index_lines, namespaces = [], set()
    for module, directory in sorted(dirs.items(), key=lambda item: item[1]):
        namespace = _namespace_of(module, directory, lazy_index, assembly)
        namespaces.add(namespace)
        index_lines.append(_LAZY_LINE.format(ns=namespace, dir=directory))
    for name, content in files.items():
        if name.startswith("package/lib/"):
            _check_requires(name, content.decode(), files)

    assembly["types"] = {fqn: t for fqn, t in assembly["types"].items() if t["namespace"].split(".")[0] in namespaces}
    assembly["submodules"] = {
        fqn: s for fqn, s in assembly["submodules"].items() if fqn.removeprefix(f"{NAME}.").split(".")[0] in namespaces
    }
    _check_closed(assembly["types"])
    assembly["fingerprint"] = "*" * 10  # jsii's own mark of a modified assembly (@jsii/spec assembly-utils)
    files["package/.jsii"] = json.dumps(assembly, ensure_ascii=False, separators=(",", ":")).encode()
    files["package/lib/index.js"] = (
        '"use strict";\n'
        f"// {NAME} {VERSION}, trimmed by constructs_lib/_provider_assembly.py: its lib/lazy-index.js lines\n"
        "// for the submodules constructs_lib/aws.py loads.\n" + "\n".join(index_lines) + "\n"
    ).encode()
    return _write_tarball(files)


def _read_members(source: bytes, directories: set[str]) -> dict[str, bytes]:
    """The package files the trimmed tarball keeps (JavaScript only under ``lib/``), by member name."""
    wanted = {"package/.jsii", "package/package.json", "package/LICENSE", "package/lib/lazy-index.js"}
    files: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(source), mode="r:gz") as archive:
        for member in archive:
            parts = member.name.split("/")
            keep = member.name in wanted or (
                len(parts) > 3 and parts[1] == "lib" and parts[2] in directories and member.name.endswith(".js")
            )
            if keep and member.isfile():
                extracted = archive.extractfile(member)
                assert extracted is not None
                files[member.name] = extracted.read()
    missing = sorted(wanted - files.keys()) + sorted(
        f"package/lib/{d}/index.js" for d in directories if f"package/lib/{d}/index.js" not in files
    )
    if missing:
        raise ProviderLayoutError(f"{SOURCE} lacks {', '.join(missing)}: the provider layout changed")
    return files


def _namespace_of(module: str, directory: str, lazy_index: str, assembly: dict[str, Any]) -> str:
    """The jsii submodule of a Python module, from the package's own lazy index, cross-checked."""
    pattern = re.escape(_LAZY_LINE.format(ns="@@", dir=directory)).replace("@@", r"(\w+)")
    found = re.findall(f"^{pattern}$", lazy_index, re.MULTILINE)
    if len(found) != 1:
        raise ProviderLayoutError(
            f"{SOURCE}: lib/lazy-index.js has {len(found)} entries for ./{directory} (module {module}), expected one"
        )
    submodule = assembly["submodules"].get(f"{NAME}.{found[0]}")
    if submodule is None or submodule.get("symbolId") != f"src/{directory}/index:":
        raise ProviderLayoutError(f"{SOURCE}: submodule {NAME}.{found[0]} is not src/{directory} (module {module})")
    return str(found[0])


def _check_requires(name: str, source: str, files: dict[str, bytes]) -> None:
    """A kept file may require only cdktf, constructs and kept files of its own submodule."""
    own = "/".join(name.split("/")[:3]) + "/"
    for argument in _REQUIRE.findall(source):
        literal = re.fullmatch(r"\s*(['\"])([^'\"]+)\1\s*", argument)
        path = literal.group(2) if literal else ""
        if path in _EXTERNAL_REQUIRES:
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(name), path))
        if not (
            path.startswith(".") and target.startswith(own) and {f"{target}.js", f"{target}/index.js"} & files.keys()
        ):
            raise ProviderLayoutError(f"{SOURCE}: {name} requires {argument}, which the trimmed assembly leaves out")


def _check_closed(types: dict[str, Any]) -> None:
    """Every provider type a kept type mentions is kept too (else jsii could not describe it)."""
    for fqn, definition in types.items():
        for text in _strings(definition):
            if text.startswith(f"{NAME}.") and text not in types:
                raise ProviderLayoutError(f"{SOURCE}: {fqn} refers to {text}, in a submodule the trim leaves out")


def _strings(node: Any) -> Iterable[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _write_tarball(files: dict[str, bytes]) -> bytes:
    """A gzipped tar whose bytes depend only on ``files``: sorted, fixed times, owners and modes."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(files[name]), 0o644, 499162500  # npm pack's fixed date
            archive.addfile(info, io.BytesIO(files[name]))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0) as zipped:
        zipped.write(raw.getvalue())
    return out.getvalue()
