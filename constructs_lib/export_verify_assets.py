"""What the verify job runs, written at synth: the launcher script, the plan document (the pipeline's task and
table in the shape the tools' stack reader reads) and this package, with what Glue's image lacks, as a
byte-stable zip."""

from __future__ import annotations

import hashlib
import importlib
import tempfile
import zipfile
from importlib.metadata import distribution
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from cdktf import Token

from constructs_lib.errors import ConstructValidationError
from mappings.terraform import escape

if TYPE_CHECKING:
    from constructs_lib.pipeline import DmsMigrationPipeline

#: The launcher Glue runs: the module does the work (so the script never changes with the code).
SCRIPT = "from dms_dynamodb.verify.spark.job import main\n\nmain()\n"


def plan_document(pipeline: DmsMigrationPipeline) -> dict[str, Any]:
    """The verify plan document: the pipeline's task and target table as Terraform JSON (strings escaped as in
    a synthesized stack), the shape :func:`dms_dynamodb.stack.parse_stack` reads."""
    table = pipeline.target_props
    props = pipeline.props
    if Token.is_unresolved(table.table_name):
        raise ConstructValidationError(
            "ExportVerifyJob: the target table's name is a Terraform reference; the plan document needs its literal "
            "name",
            pipeline,
        )
    keys = {table.partition_key.name: table.partition_key.type.value}
    if table.sort_key:
        keys[table.sort_key.name] = table.sort_key.type.value
    indexes = []
    for gsi in table.global_secondary_indexes:
        keys[gsi.partition_key.name] = gsi.partition_key.type.value
        index: dict[str, Any] = {
            "name": escape(gsi.name),
            "hash_key": escape(gsi.partition_key.name),
            "projection_type": gsi.projection.value,
        }
        if gsi.sort_key:
            keys[gsi.sort_key.name] = gsi.sort_key.type.value
            index["range_key"] = escape(gsi.sort_key.name)
        if gsi.non_key_attributes:
            index["non_key_attributes"] = [escape(a) for a in gsi.non_key_attributes]
        indexes.append(index)
    body: dict[str, Any] = {
        "name": escape(table.table_name),
        "hash_key": escape(table.partition_key.name),
        "attribute": [{"name": escape(k), "type": v} for k, v in keys.items()],
    }
    if table.sort_key:
        body["range_key"] = escape(table.sort_key.name)
    if indexes:
        body["global_secondary_index"] = indexes
    task = {
        "replication_task_id": escape(props.identifier),
        "migration_type": props.migration_type.value,
        "table_mappings": escape(pipeline.table_mappings.to_json()),
        "replication_task_settings": escape(pipeline.task_settings.to_json()),
    }
    return {"resource": {"aws_dms_replication_task": {"task": task}, "aws_dynamodb_table": {"table": body}}}


#: What Glue 5.0 and 5.1 lack of what the job imports, shipped in the zip: PyMySQL (pure Python). Their
#: images provide boto3, pyarrow and pandas, and no PyMySQL (AWS Glue developer guide, "Using Python libraries
#: with AWS Glue", "Python modules already provided in AWS Glue"; 4.0 had PyMySQL 1.0.2).
VENDORED = ("pymysql",)


def _distribution_license(package: ModuleType) -> list[tuple[str, bytes]]:
    """The vendored package's license, from its installed distribution (MIT asks for it to travel along)."""
    from importlib.metadata import packages_distributions

    (dist_name,) = packages_distributions()[package.__name__]
    found = distribution(dist_name)
    files = [f for f in found.files or () if f.name.startswith("LICENSE") and ".dist-info" in str(f.parent)]
    return [(f"{package.__name__}/LICENSE.{dist_name}-{found.version}", Path(str(found.locate_file(f))).read_bytes())
            for f in files[:1]]  # fmt: skip


def package_zip(directory: Path | None = None) -> Path:
    """``dms_dynamodb``, ``mappings`` and the vendored PyMySQL (their ``.py`` files; the installed, pinned version)
    as one zip, byte for byte the same for the same code (sorted entries, fixed times and modes): its asset
    hash changes only when the code does. The job then needs no package index when it starts."""
    import dms_dynamodb
    import mappings

    packages: list[ModuleType] = [dms_dynamodb, mappings, *(importlib.import_module(n) for n in VENDORED)]
    entries = []
    for package in packages:
        root = Path(str(package.__file__)).parent
        entries += [(str(f.relative_to(root.parent)), f.read_bytes()) for f in sorted(root.rglob("*.py"))]
        if package.__name__ in VENDORED:
            entries += _distribution_license(package)
    digest = hashlib.sha256(b"".join(name.encode() + b"\0" + data for name, data in entries)).hexdigest()[:16]
    folder = directory or Path(tempfile.gettempdir()) / "dms-dynamodb-glue-package"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"dms_dynamodb-{digest}.zip"
    if not path.exists():
        partial = path.with_suffix(".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in sorted(entries):
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
        partial.replace(path)
    return path
