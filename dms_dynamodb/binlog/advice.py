"""What ``check-stack`` says about the binlog (cascading foreign keys), and how to keep sessions off its settings.

DMS (and the follower) miss changes a session writes in STATEMENT or MIXED format or with a partial
row image, and the child rows a cascading foreign key changes; a row image written while
``binlog_row_metadata`` was not FULL cannot be read by column name. Said before the migration
starts, each with its fix (``preflight`` says the live-server side); ``cdc`` and ``verify --since`` stop on
them afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence

from dms_dynamodb.source.cascades import CHANGING
from dms_dynamodb.stack import StackTask
from mappings.document.enums import MigrationType
from mappings.errors import Issue, Severity
from mappings.resolver import resolve
from mappings.schema import SourceSchema

#: How to keep sessions from overriding the binlog settings (MySQL 8 privileges; MariaDB's SUPER too).
PREVENT_OVERRIDES = (
    "revoke SESSION_VARIABLES_ADMIN, SYSTEM_VARIABLES_ADMIN and SUPER from the application's accounts (MariaDB: "
    "SUPER and BINLOG ADMIN), so no session can SET SESSION binlog_format / binlog_row_image; keep the GLOBAL "
    "values ROW and FULL in the parameter group or my.cnf and check them with this preflight"
)


def cascade_issues(position: int, task: StackTask, schemas: Sequence[SourceSchema]) -> list[Issue]:
    """``check-stack``: a CDC task migrating the child of a cascading foreign key (read from the DDL)."""
    if task.migration_type is MigrationType.FULL_LOAD:
        return []
    found = []
    for resolved in resolve(task.table_mappings.rules, schemas).included:
        for key in resolved.table.foreign_keys:
            actions = [
                f"ON {k} {a}" for k, a in (("DELETE", key.on_delete), ("UPDATE", key.on_update)) if a in CHANGING
            ]
            if not actions:
                continue
            at = resolved.selected_by[0]
            found.append(
                Issue(
                    Severity.WARNING,
                    "cascade-in-cdc-task",
                    f"tasks[{position}].{at.path}.object-locator",
                    f"constraint {key.name or '(unnamed)'} ({', '.join(actions)}) changes rows of the migrated table "
                    f"{resolved.schema}.{resolved.table.name} when {key.referenced_table} changes; those changes are "
                    "not in the binlog and DMS does not capture them: delete or update child rows explicitly (and "
                    "drop the cascade), or verify the child table in full after parent changes",
                    None if at.rule.rule_id is None else str(at.rule.rule_id),
                    at.rule.rule_name,
                )
            )
    return found
