"""Check every DMS task of a synthesized stack together, against a source schema and the stack's tables.

Reads the tasks through the stack reader, exactly as Terraform passes them to DMS, so what is
checked is what is deployed. All tasks of one stack are checked together: two tasks writing the
same keys into one table collide just as two rules of one task do. Key types and GSI keys come
from the tables the stack defines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dms_dynamodb.stack import Stack
from mappings import TargetEngine
from mappings.errors import Issue
from mappings.items import LobPolicy
from mappings.schema import SourceSchema
from mappings.settings import check_task_settings
from mappings.settings.dynamodb import dynamodb_settings_issues, load_threads, write_capacity
from mappings.validation.schema_checks import check_tasks_against_schema


@dataclass
class StackFindings:
    stack: Stack
    lines: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(i.is_error for i in self.issues)

    @property
    def warnings(self) -> int:
        return len(self.issues) - self.errors


def check_stack(stack: Stack, schema: SourceSchema) -> StackFindings:
    findings = StackFindings(stack)
    for task in stack.tasks:
        issues = (
            task.table_mappings.check(TargetEngine.DYNAMODB)
            + check_task_settings(task.settings)
            + dynamodb_settings_issues(task.settings)
        )
        findings.issues += issues
        findings.lines += [f"{task.address} ({task.task_id}): {issue}" for issue in issues]
        tables, threads = load_threads(task.settings)
        findings.lines.append(
            f"{task.task_id}: info: full load of {tables} tables at once with {threads} writer(s) each; DMS sets "
            f"{write_capacity(task.settings)} WCU on the target table"
        )
    across = check_tasks_against_schema(
        [t.table_mappings for t in stack.tasks],
        schema,
        design=stack.tables,
        lob_max_bytes=[LobPolicy.from_settings(t.settings).max_bytes for t in stack.tasks],
    )
    for issue in across:
        position = int(issue.path.split("]")[0].removeprefix("tasks[")) if issue.path.startswith("tasks[") else None
        label = stack.tasks[position].task_id if position is not None else "stack"
        findings.lines.append(f"{label}: {issue}")
    findings.issues += across
    return findings
