"""The shape of a DynamoDB table (keys, GSIs, billing), as plain data with its checks.

Pure Python (no jsii), so mapping checks and tests can use it without loading the provider.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from constructs_lib.errors import ConstructValidationError, require
from constructs_lib.naming import dynamodb_table_name

# Key and index shapes are declared once, in the pure-Python design model.
from mappings.design import MAX_GSIS, GlobalSecondaryIndex, KeyAttribute, KeyType, ProjectionType, TableDesign

__all__ = [
    "MAX_GSIS",
    "BillingMode",
    "GlobalSecondaryIndex",
    "KeyAttribute",
    "KeyType",
    "ProjectionType",
    "SingleTableProps",
]


class BillingMode(StrEnum):
    PAY_PER_REQUEST = "PAY_PER_REQUEST"
    PROVISIONED = "PROVISIONED"


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

    @classmethod
    def from_design(cls, design: TableDesign, **overrides: Any) -> SingleTableProps:
        """The table props a :class:`~mappings.design.TableDesign` declares.

        ``overrides`` are any other ``SingleTableProps`` fields (billing, capacities, tags, key, deletion
        protection), or a design field to replace (``table_name=`` for a per-environment name).
        """
        fields: dict[str, Any] = {
            "table_name": design.table_name,
            "partition_key": design.partition_key,
            "sort_key": design.sort_key,
            "global_secondary_indexes": design.indexes,
        }
        unknown = sorted(set(overrides) - {f.name for f in dataclasses.fields(cls)})
        require(
            not unknown,
            f"SingleTableProps.from_design: unknown override(s) {', '.join(unknown)}; allowed: "
            f"{', '.join(f.name for f in dataclasses.fields(cls))}",
        )
        return cls(**{**fields, **overrides})

    def gsi_key_names(self) -> set[str]:
        return {k.name for g in self.global_secondary_indexes for k in (g.partition_key, g.sort_key) if k}
