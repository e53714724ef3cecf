"""Columns a mapping copies that it should not, and columns it leaves out by a documented assumption.

``map-record-to-record`` copies every column not in ``exclude-columns`` (DynamoDB target page). Two things a
reviewer should hear about, per table: a copied column whose name says it holds a secret (a warning: the
target is read by more people than the source's users table), and a column the item model leaves out because
its type has no DynamoDB type in DMS's table (README assumption 12: BINARY, TIME, BIT(n>1), GEOMETRY, BLOBs),
with the attribute mapping that would keep it as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mappings.design.draft_columns import is_secret
from mappings.document.enums import ObjectMappingAction
from mappings.document.table_mappings import TableMappings
from mappings.document.templates import placeholders
from mappings.errors import Issue, Severity
from mappings.items.values import UNSUPPORTED_TYPES
from mappings.resolver import resolve
from mappings.schema import BLOB_TYPES, Column, SourceSchema


@dataclass(frozen=True, slots=True)
class DroppedColumn:
    """A copied column the items do not hold, why (the assumption) and how to keep it."""

    table: str
    column: str
    data_type: str
    keep: str

    def describe(self) -> str:
        return (
            f"{self.table}.{self.column} ({self.data_type.upper()}) is left out of the items: DMS's DynamoDB type "
            f"table has no type for it (README assumption 12). {self.keep}"
        )


def dropped(table: str, column: Column) -> DroppedColumn | None:
    """``column`` as a :class:`DroppedColumn` when the item model leaves it out of copied columns."""
    kind = column.data_type
    if not (kind in UNSUPPORTED_TYPES or (kind == "bit" and (column.length or 1) > 1)):
        return None
    if kind in BLOB_TYPES:
        keep = "A BLOB is not written by a DynamoDB target; keep it elsewhere (S3) and map its key."
    else:
        keep = (
            f'To keep it as text, add the attribute mapping {{"target-attribute-name": "{column.name}", '
            f'"attribute-type": "scalar", "attribute-sub-type": "string", "value": "${{{column.name}}}"}} '
            f'(in a TableDesign: renames={{"{column.name}": "{column.name}_text"}}).'
        )
    return DroppedColumn(table, column.name, kind, keep)


def column_findings(
    position: int, mappings: TableMappings, schemas: Sequence[SourceSchema]
) -> tuple[list[Issue], list[DroppedColumn]]:
    """Secrets copied (warnings) and columns dropped by assumption, for every table the task maps record-to-record."""
    issues: list[Issue] = []
    left_out: list[DroppedColumn] = []
    for resolution in resolve(mappings.rules, schemas).mapped:
        rule = resolution.mapping
        if rule is None or rule.rule_action is not ObjectMappingAction.MAP_RECORD_TO_RECORD:
            continue
        kept_by_template = {
            c for m in rule.attribute_mappings if isinstance(m.value, str) for c in placeholders(m.value)
        }
        copied = [c for c in resolution.table.columns if c.name not in set(rule.exclude_columns)]
        at = resolution.mapped_by
        for column in copied:
            if is_secret(column.name):
                issues.append(
                    Issue(
                        Severity.WARNING,
                        "secret-column-copied",
                        f"tasks[{position}].{at.path if at else 'rules'}",
                        f"{resolution.schema}.{resolution.table.name}.{column.name}: the name says it holds a secret "
                        "and the mapping copies it into the target; add it to exclude-columns unless the target may "
                        "hold it",
                        None if rule.rule_id is None else str(rule.rule_id),
                        rule.rule_name,
                    )
                )
            if column.name not in kept_by_template and (gone := dropped(resolution.table.name, column)):
                left_out.append(gone)
    return issues, left_out
