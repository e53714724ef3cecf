"""Props of :class:`~constructs_lib.export_verify.ExportVerifyJob`: the Glue runtime, its workers, where its
files live, and what it may read; checked when made, naming the prop."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from cdktf import Token

from constructs_lib.errors import require

if TYPE_CHECKING:
    from constructs_lib.interfaces import VerifiableSource
    from constructs_lib.pipeline import DmsMigrationPipeline

#: None: what the job imports and Glue's image lacks (PyMySQL) travels in its zip (``export_verify_assets``),
#: so the job needs no package index (isolated subnets have none).
DEFAULT_PYTHON_MODULES: tuple[str, ...] = ()
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9-]{0,49}$")


class GlueVersion(StrEnum):
    """Glue 5.0: Spark 3.5.4, Python 3.11; 5.1: Spark 3.5.6, Python 3.11 (AWS Glue developer guide, "AWS Glue
    versions"). Not 4.0: its Python is 3.10, and this package needs 3.11 (``enum.StrEnum``, ``requires-python``)."""

    V5 = "5.0"
    V5_1 = "5.1"


class GlueWorkerType(StrEnum):
    G_1X = "G.1X"
    G_2X = "G.2X"
    G_4X = "G.4X"
    G_8X = "G.8X"


@dataclass(frozen=True, kw_only=True)
class ExportVerifyJobProps:
    """Props of :class:`ExportVerifyJob`.

    Default: Glue 5.0, two G.1X workers, two hours' timeout, no retries, reports under
    ``verify-reports/`` of the export bucket, no ``dynamodb:GetItem`` (no ``--settle``).
    """

    #: The job's name, and the prefix of its role, group, connection and security configuration.
    identifier: str
    #: The pipeline whose task and target table the job verifies.
    pipeline: DmsMigrationPipeline
    #: Its source: the job reads its DMS secret (``grant_read_secret``) and connects where DMS does.
    source: VerifiableSource
    #: One private subnet of the source's VPC (Glue runs its workers' network interfaces there).
    subnet_id: str
    #: The bucket the job's script, package and plan document are uploaded to.
    assets_bucket: str
    #: The bucket DynamoDB exports to (``ExportTableToPointInTime``), read under ``export_prefix``.
    export_bucket: str
    #: ``s3://BUCKET/KEY`` of the JDBC driver's jar (MariaDB Connector/J; ``--extra-jars``).
    jdbc_driver_s3_uri: str
    #: ``s3://BUCKET/KEY`` of the CA bundle the source's certificate chains to (RDS: the region's bundle).
    ca_bundle_s3_uri: str
    #: The migration's key: the job's S3 output, logs and bookmarks, and the uploaded objects.
    kms_key_arn: str
    assets_prefix: str = "dms-dynamodb/"
    #: Default: - the whole bucket (``""``).
    export_prefix: str = ""
    report_prefix: str = "verify-reports/"
    glue_version: GlueVersion = GlueVersion.V5
    worker_type: GlueWorkerType = GlueWorkerType.G_1X
    number_of_workers: int = 2
    timeout_minutes: int = 120
    #: Let the job read the live table (``dynamodb:GetItem``), for ``--settle``.
    settle: bool = False
    #: Isolated subnets whose route tables already carry an S3 gateway endpoint (a route table takes one route per
    #: gateway service): that endpoint's prefix list (``pl-...``), used for the job's egress instead of a new one.
    #: Default: - an S3 gateway endpoint on the pipeline's route tables, made here.
    s3_prefix_list_id: str | None = None
    #: ``--additional-python-modules`` (pip, at job start: needs a way to the index or ``s3://`` wheels).
    #: Default: - none (the argument is left out).
    python_modules: tuple[str, ...] = DEFAULT_PYTHON_MODULES
    tags: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require(
            bool(_IDENTIFIER.match(self.identifier)),
            f"ExportVerifyJobProps.identifier: {self.identifier!r}; lower-case letters, digits and '-', "
            "starting with a letter, at most 50 characters",
        )
        for name in ("jdbc_driver_s3_uri", "ca_bundle_s3_uri"):
            value = getattr(self, name)
            require(
                Token.is_unresolved(value) or bool(re.match(r"^s3://[^/]+/.+", value)),
                f"ExportVerifyJobProps.{name}: {value!r} is not s3://BUCKET/KEY",
            )
        require(
            self.number_of_workers >= 2,
            f"ExportVerifyJobProps.number_of_workers: {self.number_of_workers}; Glue needs at least 2 (a driver "
            "and an executor)",
        )
        require(
            self.timeout_minutes >= 1,
            f"ExportVerifyJobProps.timeout_minutes: {self.timeout_minutes}; at least 1",
        )
        for name in ("assets_prefix", "export_prefix", "report_prefix"):
            value = getattr(self, name)
            require(
                value == "" or (value.endswith("/") and not value.startswith("/")),
                f"ExportVerifyJobProps.{name}: {value!r}; a prefix ends with '/' and does not start with one",
            )
