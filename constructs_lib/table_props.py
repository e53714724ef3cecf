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
from mappings.design import GlobalSecondaryIndex, KeyAttribute, KeyType, ProjectionType, TableDesign
from mappings.dynamodb_limits import MAX_GSIS
from mappings.errors import MappingError

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
        if not isinstance(self.billing_mode, BillingMode):
            raise ConstructValidationError(
                f"SingleTableProps.billing_mode: {self.billing_mode!r} is a {type(self.billing_mode).__name__}; "
                "allowed: BillingMode.PAY_PER_REQUEST, BillingMode.PROVISIONED"
            )
        if not isinstance(self.global_secondary_indexes, tuple):
            raise ConstructValidationError(
                f"SingleTableProps.global_secondary_indexes: a {type(self.global_secondary_indexes).__name__}; give a "
                "tuple of GlobalSecondaryIndex (props are immutable)"
            )
        for gsi in self.global_secondary_indexes:
            dynamodb_table_name(gsi.name, prop=f"GlobalSecondaryIndex({gsi.name!r}).name")
        _ = self.design  # the one table model (mappings.design.TableDesign) checks keys, indexes and types
        capacities = {"read_capacity": self.read_capacity, "write_capacity": self.write_capacity}
        given = sorted(name for name, value in capacities.items() if value is not None)
        if self.billing_mode is BillingMode.PROVISIONED:
            require(
                len(given) == 2,
                f"SingleTableProps: billing_mode PROVISIONED needs read_capacity and write_capacity; got {given or 'neither'}",
            )
        else:
            require(
                not given,
                f"SingleTableProps.{given[0] if given else ''}: capacities are for billing_mode PROVISIONED; an "
                "on-demand (PAY_PER_REQUEST) table has none. Drop them, or set billing_mode=BillingMode.PROVISIONED",
            )

    @property
    def design(self) -> TableDesign:
        """The table as the one table model (mappings.design.TableDesign), which checks its shape."""
        try:
            return TableDesign(
                table_name=self.table_name,
                partition_key=self.partition_key,
                sort_key=self.sort_key,
                indexes=self.global_secondary_indexes,
            )
        except MappingError as exc:
            problems = "; ".join(f"{i.path}: {i.message}" for i in exc.issues)
            raise ConstructValidationError(f"SingleTableProps: {problems}") from None

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
