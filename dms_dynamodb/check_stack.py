"""Check every DMS task of a synthesized stack together, against a source schema and the stack's tables.

Reads the tasks through the stack reader, exactly as Terraform passes them to DMS, so what is
checked is what is deployed. All tasks of one stack are checked together: two tasks writing the
same keys into one table collide just as two rules of one task do. Key types and GSI keys come
from the tables the stack defines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from dms_dynamodb.stack import Stack, StackTask
from mappings import TargetEngine
from mappings.document.enums import MigrationType
from mappings.errors import Issue, Severity
from mappings.items import LobPolicy
from mappings.resolver import resolve
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


def check_stack(
    stack: Stack, schema: SourceSchema | Sequence[SourceSchema], *, migrated_only: bool = False
) -> StackFindings:
    """Every task's own checks, then all tasks together against each source schema (a task may read several).

    ``migrated_only``: object mappings are checked on the tables the task migrates only (the gate before
    load, verify, cutover and rehearse: a table the task excludes cannot stop them).
    """
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
    across = [
        issue
        for source in ([schema] if isinstance(schema, SourceSchema) else schema)
        for issue in check_tasks_against_schema(
            [t.table_mappings for t in stack.tasks],
            source,
            design=stack.tables,
            lob_max_bytes=[LobPolicy.from_settings(t.settings).max_bytes for t in stack.tasks],
            migrated_only=migrated_only,
        )
    ]
    sources = [schema] if isinstance(schema, SourceSchema) else list(schema)
    across += [issue for position, task in enumerate(stack.tasks) for issue in _views_in_cdc(position, task, sources)]
    for issue in across:
        position = int(issue.path.split("]")[0].removeprefix("tasks[")) if issue.path.startswith("tasks[") else None
        label = stack.tasks[position].task_id if position is not None else "stack"
        findings.lines.append(f"{label}: {issue}")
    findings.issues += across
    return findings


def _views_in_cdc(position: int, task: StackTask, schemas: Sequence[SourceSchema]) -> list[Issue]:
    """A task with CDC that selects a view: DMS loads views in the full load only, never their changes."""
    if task.migration_type is MigrationType.FULL_LOAD:
        return []
    views = [r for r in resolve(task.table_mappings.rules, schemas).included if r.is_view]
    return [
        Issue(
            Severity.WARNING,
            "view-in-cdc-task",
            f"tasks[{position}].{view.selected_by[0].path}.object-locator",
            f"the {task.migration_type.value} task selects view {view.schema}.{view.table.name}: DMS loads views in "
            "full-load tasks only, so its changes after the full load are not migrated; select its base tables, "
            "or reload it",
            None if view.selected_by[0].rule.rule_id is None else str(view.selected_by[0].rule.rule_id),
            view.selected_by[0].rule.rule_name,
        )
        for view in views
    ]


class ChecksFailed(Exception):
    """The stack checks found errors: the command stops before it writes anything (exit 1)."""


def require_clean_stack(stack: Stack, task_id: str, schemas: Sequence[SourceSchema], *, skip: bool, doing: str) -> str:
    """Run the stack checks for one task before ``doing`` it; print the findings; the summary line.

    A rehearsal, load or verify that skips the checks proves nothing about a broken stack (its item
    model agrees with any mistake it makes faithfully), so errors stop the run unless ``skip``.
    """
    if skip:
        return "checks: skipped (--skip-checks): the stack was not checked against the source"
    task = stack.task(task_id)
    findings = check_stack(replace(stack, tasks=(task,)), schemas, migrated_only=True)
    for line in findings.lines:
        print(line)
    summary = f"checks: {findings.errors} error(s), {findings.warnings} warning(s) (as dms-dynamodb check-stack)"
    if findings.errors:
        raise ChecksFailed(
            f"the stack checks found {findings.errors} error(s) in task {task_id!r} against the source (above); "
            f"nothing was {doing}. Fix the stack, or pass --skip-checks to run anyway"
        )
    return summary
