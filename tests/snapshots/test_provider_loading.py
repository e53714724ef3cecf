"""The provider loader: only the modules we use, byte-identical output, loud failure on a new layout.

Both sides are trimmed: Python imports only ``aws.MODULES`` and node loads a trimmed assembly of them
(``constructs_lib/_provider_assembly.py``), tested here on a small fake provider tarball (fast) and
once on the real one.
"""

from __future__ import annotations

import filecmp
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest

from constructs_lib import _provider_assembly as trim
from constructs_lib import aws
from tests import timing
from tests.conftest import ROOT
from tests.provider_stubs import used_modules


def _synth(out: Path, mode: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DMS_")}
    env.update(CDKTF_OUTDIR=str(out), DMS_CDKTF_PROVIDER_IMPORT=mode)
    result = subprocess.run(
        [sys.executable, "main.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timing.seconds(600)
    )
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


def test_lazy_path_skips_the_package_init_and_node_holds_only_the_trimmed_assembly() -> None:
    code = (
        "import sys, constructs_lib.aws as a; pkg = sys.modules[a.PACKAGE];"
        "loaded = [m for m in sys.modules if m.startswith(a.PACKAGE + '.')];"
        "assert not hasattr(pkg, '__all__'), 'the package __init__ ran';"
        "assert len(loaded) < 100, len(loaded); print(len(loaded));"
        # a module outside MODULES, imported behind the seam's back: its Python imports, node lacks it
        "import cdktf, cdktf_cdktf_provider_aws.s3_bucket as s3;"
        "s3.S3Bucket(cdktf.TerraformStack(cdktf.App(), 's'), 'b')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timing.seconds(300),
        env={k: v for k, v in os.environ.items() if k != aws.IMPORT_MODE_ENV},
    )
    assert int(result.stdout.strip()) >= 20, result.stderr[-2000:]  # the modules the constructs use (of ~2,200)
    assert result.returncode == 1
    assert "Type '@cdktf/provider-aws.s3Bucket.S3Bucket' not found" in result.stderr, result.stderr[-2000:]


def test_modules_is_the_list_of_modules_the_seam_loads() -> None:
    assert sorted(aws.MODULES) == sorted(used_modules())


def test_layout_check_fails_loudly_without_the_assembly(tmp_path: Path) -> None:
    (tmp_path / "_jsii").mkdir()
    with pytest.raises(aws.ProviderLayoutError, match=r"has no _jsii/provider-aws@21\.22\.1\.jsii\.tgz"):
        aws.verify_layout([str(tmp_path)])


def test_a_module_outside_modules_fails_loudly() -> None:
    with pytest.raises(aws.ProviderLayoutError, match=r"no_such_resource is not in constructs_lib\.aws\.MODULES"):
        aws.load("no_such_resource")


def _fake_provider() -> bytes:
    """A provider tarball in the real layout: two submodules, one needing the other, one requiring outside itself."""
    submodules = {"dms-endpoint": "dmsEndpoint", "kms-key": "kmsKey", "s3-bucket": "s3Bucket"}
    p = f"{trim.NAME}."
    types: dict[str, Any] = {
        f"{p}dmsEndpoint.DmsEndpoint": {"base": "cdktf.TerraformResource", "kind": "class", "namespace": "dmsEndpoint",
                                        "properties": [{"type": {"fqn": f"{p}dmsEndpoint.DmsEndpointConfig"}}]},
        f"{p}dmsEndpoint.DmsEndpointConfig": {"kind": "interface", "namespace": "dmsEndpoint"},
        f"{p}kmsKey.KmsKey": {"kind": "class", "namespace": "kmsKey",
                              "properties": [{"type": {"fqn": f"{p}dmsEndpoint.DmsEndpoint"}}]},
        f"{p}s3Bucket.S3Bucket": {"kind": "class", "namespace": "s3Bucket"},
    }  # fmt: skip
    assembly = {
        "name": trim.NAME,
        "version": trim.VERSION,
        "submodules": {f"{p}{ns}": {"symbolId": f"src/{d}/index:"} for d, ns in submodules.items()},
        "types": types,
    }
    files = {
        "package/.jsii": json.dumps(assembly, indent=2).encode(),
        "package/package.json": b'{"name": "@cdktf/provider-aws", "main": "lib/index.js"}',
        "package/LICENSE": b"MPL-2.0",
        "package/lib/index.js": b"".join(
            f'exports.{ns} = require("./{d}");\n'.encode() for d, ns in submodules.items()
        ),
        "package/lib/lazy-index.js": "\n".join(
            trim._LAZY_LINE.format(ns=ns, dir=d) for d, ns in submodules.items()
        ).encode(),
        "package/lib/dms-endpoint/index.js": b'"use strict";\nconst cdktf = require("cdktf");\nclass DmsEndpoint {}\n',
        "package/lib/dms-endpoint/index.d.ts": b"export declare class DmsEndpoint {}\n",
        "package/lib/kms-key/index.js": b'const cdktf = require("cdktf");\n',
        "package/lib/s3-bucket/index.js": b'const e = require("../dms-endpoint");\n',
    }
    return trim._write_tarball(files)


def _members(tarball: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        return {m.name: archive.extractfile(m).read() for m in archive if m.isfile()}  # type: ignore[union-attr]


def _build(source: bytes, *modules: str) -> bytes:
    return trim.build(source, modules, expected_sha256=hashlib.sha256(source).hexdigest())


def test_trimmed_assembly_keeps_only_the_modules_asked_for_byte_for_byte_and_deterministically() -> None:
    source = _fake_provider()
    trimmed = _build(source, "dms_endpoint")
    assert trimmed == _build(source, "dms_endpoint")
    files, original = _members(trimmed), _members(source)
    assert sorted(files) == [
        "package/.jsii",
        "package/LICENSE",
        "package/lib/dms-endpoint/index.js",
        "package/lib/index.js",
        "package/package.json",
    ]
    for name in ("package/LICENSE", "package/lib/dms-endpoint/index.js", "package/package.json"):
        assert files[name] == original[name], name
    assembly = json.loads(files["package/.jsii"])
    assert sorted(assembly["types"]) == [
        f"{trim.NAME}.dmsEndpoint.DmsEndpoint",
        f"{trim.NAME}.dmsEndpoint.DmsEndpointConfig",
    ]
    assert list(assembly["submodules"]) == [f"{trim.NAME}.dmsEndpoint"]
    assert assembly["fingerprint"] == "**********"  # jsii's mark of a modified assembly
    index = files["package/lib/index.js"].decode()
    assert trim._LAZY_LINE.format(ns="dmsEndpoint", dir="dms-endpoint") in index
    assert "kms-key" not in index and "kmsKey" not in index


def test_trimmed_assembly_refuses_what_it_cannot_keep_whole() -> None:
    source = _fake_provider()
    with pytest.raises(
        trim.ProviderLayoutError, match=rf"has sha256 {hashlib.sha256(source).hexdigest()}, expected 0+:"
    ):
        trim.build(source, ["dms_endpoint"], expected_sha256="0" * 64)
    with pytest.raises(
        trim.ProviderLayoutError, match=r"KmsKey refers to @cdktf/provider-aws\.dmsEndpoint\.DmsEndpoint"
    ):
        _build(source, "kms_key")
    assert _build(source, "kms_key", "dms_endpoint")  # with what it needs, it is whole
    with pytest.raises(trim.ProviderLayoutError, match=r"s3-bucket/index\.js requires \"\.\./dms-endpoint\""):
        _build(source, "s3_bucket", "dms_endpoint")
    with pytest.raises(trim.ProviderLayoutError, match=r"lacks package/lib/no-such-thing/index\.js"):
        _build(source, "no_such_thing")


def test_the_real_trimmed_assembly_is_reproducible_and_holds_exactly_modules(tmp_path: Path) -> None:
    source = aws.verify_layout(list(sys.modules[aws.PACKAGE].__path__))
    cached = trim.trimmed_tarball(source, aws.MODULES)  # built by an earlier process (bootstrap or synth)
    rebuilt = trim.trimmed_tarball(source, aws.MODULES, cache_dir=tmp_path)
    assert rebuilt.name == cached.name and rebuilt.read_bytes() == cached.read_bytes()
    directories = sorted({name.split("/")[2] for name in _members(cached.read_bytes()) if name.count("/") > 2})
    assert directories == sorted(m.replace("_", "-") for m in aws.MODULES)
