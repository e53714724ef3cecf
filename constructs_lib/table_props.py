"""The shape of a DynamoDB table (keys, GSIs, billing), as plain data with its checks.

Pure Python (no jsii), so mapping checks and tests can use it without loading the provider.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from constructs_lib.errors import ConstructValidationError, require
from constructs_lib.naming import dynamodb_table_name

MAX_GSIS = 20  # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html


class KeyType(StrEnum):
    """DynamoDB key attribute types."""

    STRING = "S"
    NUMBER = "N"
    BINARY = "B"


class ProjectionType(StrEnum):
    ALL = "ALL"
    KEYS_ONLY = "KEYS_ONLY"
    INCLUDE = "INCLUDE"


class BillingMode(StrEnum):
    PAY_PER_REQUEST = "PAY_PER_REQUEST"
    PROVISIONED = "PROVISIONED"


@dataclass(frozen=True)
class KeyAttribute:
    """A key attribute: its name and type (default string)."""

    name: str
    type: KeyType = KeyType.STRING


@dataclass(frozen=True, kw_only=True)
class GlobalSecondaryIndex:
    """A GSI. Default: projection ALL, like the article's GSI1 and GSI2."""

    name: str
    partition_key: KeyAttribute
    sort_key: KeyAttribute | None = None
    projection: ProjectionType = ProjectionType.ALL
    non_key_attributes: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SingleTableProps:
    """Props of :class:`DynamoDbSingleTable`.

    Default: keys ``pk``/``sk`` (strings), on-demand billing, deletion protection on.
    """

    table_name: str
    partition_key: KeyAttribute = KeyAttribute("pk")
    sort_key: KeyAttribute | None = KeyAttribute("sk")
    global_secondary_indexes: tuple[GlobalSecondaryIndex, ...] = ()
    billing_mode: BillingMode = BillingMode.PAY_PER_REQUEST
    read_capacity: int | None = None
    write_capacity: int | None = None
    deletion_protection: bool = True
    #: Default: - the AWS managed key ``aws/dynamodb``.
    kms_key_arn: str | None = None
    tags: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        dynamodb_table_name(self.table_name, prop="SingleTableProps.table_name")
        require(
            len(self.global_secondary_indexes) <= MAX_GSIS,
            f"SingleTableProps.global_secondary_indexes: {len(self.global_secondary_indexes)} indexes; "
            f"DynamoDB allows at most {MAX_GSIS}",
        )
        names = [g.name for g in self.global_secondary_indexes]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        require(not duplicates, f"SingleTableProps.global_secondary_indexes: duplicate index names {duplicates}")
        for gsi in self.global_secondary_indexes:
            dynamodb_table_name(gsi.name, prop=f"GlobalSecondaryIndex({gsi.name!r}).name")
            require(
                gsi.projection is ProjectionType.INCLUDE or not gsi.non_key_attributes,
                f"GlobalSecondaryIndex({gsi.name!r}).non_key_attributes: only valid with projection INCLUDE",
            )
        types: dict[str, KeyType] = {}
        for key in self.key_attributes:
            if types.setdefault(key.name, key.type) is not key.type:
                raise ConstructValidationError(
                    f"SingleTableProps: attribute {key.name!r} is declared both as {types[key.name].name} and "
                    f"{key.type.name}; a DynamoDB attribute has one type"
                )
        provisioned = self.billing_mode is BillingMode.PROVISIONED
        has_capacity = self.read_capacity is not None and self.write_capacity is not None
        require(
            provisioned == has_capacity,
            "SingleTableProps: read_capacity and write_capacity go with billing_mode PROVISIONED (and only with it)",
        )

    @property
    def key_attributes(self) -> tuple[KeyAttribute, ...]:
        """Every key attribute of the table and its indexes, in declaration order."""
        keys = [self.partition_key, *([self.sort_key] if self.sort_key else [])]
        for gsi in self.global_secondary_indexes:
            keys += [gsi.partition_key, *([gsi.sort_key] if gsi.sort_key else [])]
        return tuple(keys)

    def gsi_key_names(self) -> set[str]:
        return {k.name for g in self.global_secondary_indexes for k in (g.partition_key, g.sort_key) if k}
