"""Read a synthesized stack back: the DynamoDB tables and DMS tasks of a Terraform JSON file.

The CDKTF half writes ``cdktf.out/stacks/<name>/cdk.tf.json``; every tool here (stack checks, HCL
repair, rehearse, load, verify, cdc, preflight) learns the tables and tasks from that file and
nothing else, so it works on any stack, including one written by hand or by another generator:
the Terraform JSON is what gets deployed. Pure Python, no jsii.

Terraform JSON allows a block to be an object or a list of objects at each level
(https://developer.hashicorp.com/terraform/language/syntax/json); both are read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mappings.design import GlobalSecondaryIndex, KeyAttribute, KeyType, ProjectionType, TableDesign
from mappings.document.enums import MigrationType
from mappings.document.rules import ObjectMappingRule, SelectionRule
from mappings.document.table_mappings import TableMappings
from mappings.errors import MappingError
from mappings.settings import TaskSettings
from mappings.terraform import is_expression, unescape

STACKS_DIR = Path("cdktf.out") / "stacks"

#: The two ways a stack defines a DMS task: a task on a replication instance, or DMS Serverless.
_TASK_TYPES = {
    "aws_dms_replication_task": ("replication_task_id", "migration_type", "replication_task_settings"),
    "aws_dms_replication_config": ("replication_config_identifier", "replication_type", "replication_settings"),
}


class StackError(Exception):
    """A stack file that cannot be used: missing, not Terraform JSON, or a value the tools cannot read."""


@dataclass(frozen=True)
class StackTask:
    """One DMS task of the stack, with its documents as DMS receives them (Terraform escapes undone)."""

    #: Terraform address, e.g. ``aws_dms_replication_task.Migration_ReplicationTask_D01CF317``.
    address: str
    task_id: str
    migration_type: MigrationType
    table_mappings: TableMappings
    settings: TaskSettings

    @property
    def object_mappings(self) -> tuple[ObjectMappingRule, ...]:
        return tuple(r for r in self.table_mappings.rules if isinstance(r, ObjectMappingRule))

    @property
    def target_table_names(self) -> tuple[str, ...]:
        """The tables its object mappings name (DMS defaults ``target-table-name`` to the source table's)."""
        names = [r.target_table_name or r.object_locator.table_name or "" for r in self.object_mappings]
        return tuple(dict.fromkeys(n for n in names if n))

    @property
    def schema_names(self) -> tuple[str, ...]:
        """The source schemas its selection rules name (the databases to read), in rule order."""
        names = [r.object_locator.schema_name or "" for r in self.table_mappings.rules if isinstance(r, SelectionRule)]
        return tuple(dict.fromkeys(n for n in names if n))


@dataclass(frozen=True)
class Stack:
    """The tables and tasks one Terraform JSON file defines."""

    path: Path
    #: DynamoDB tables the stack defines, by table name (keys, GSIs, projections).
    tables: Mapping[str, TableDesign]
    tasks: tuple[StackTask, ...]

    def task(self, task_id: str | None) -> StackTask:
        """The task ``task_id``; without one, the stack's only task (several need ``--task``)."""
        ids = ", ".join(t.task_id for t in self.tasks)
        if task_id is not None:
            found = next((t for t in self.tasks if t.task_id == task_id), None)
            if found is None:
                raise StackError(f"{self.path} has no DMS task {task_id!r}; its tasks: {ids or 'none'}")
            return found
        if not self.tasks:
            raise StackError(
                f"{self.path} defines no DMS task (aws_dms_replication_task or aws_dms_replication_config)"
            )
        if len(self.tasks) > 1:
            raise StackError(f"{self.path} defines {len(self.tasks)} DMS tasks; choose one with --task: {ids}")
        return self.tasks[0]

    def undefined_targets(self, task: StackTask) -> tuple[str, ...]:
        """Target tables the task writes that the stack does not define (DMS would create them)."""
        return tuple(n for n in task.target_table_names if n not in self.tables)


def stack_path(name_or_path: str, *, root: Path = Path()) -> Path:
    """``--stack NAME`` is ``cdktf.out/stacks/NAME/cdk.tf.json``; anything else is a path to a Terraform JSON file."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".json" or "/" in name_or_path:
        if not candidate.is_file():
            raise StackError(f"{candidate}: no such Terraform JSON file")
        return candidate
    synthesized = root / STACKS_DIR / name_or_path / "cdk.tf.json"
    if not synthesized.is_file():
        present = sorted(p.parent.name for p in (root / STACKS_DIR).glob("*/cdk.tf.json"))
        hint = f" (synthesized stacks: {', '.join(present)})" if present else ""
        raise StackError(
            f"stack {name_or_path!r} is not synthesized: {synthesized} is missing{hint}. "
            "Synthesize it with `make synth` (or `cdktf synth`), or pass the path of a Terraform JSON file"
        )
    return synthesized


def read_stack(name_or_path: str | Path, *, root: Path = Path()) -> Stack:
    """Read a stack by name (``cdktf.out/stacks/NAME``) or from a Terraform JSON file."""
    path = name_or_path if isinstance(name_or_path, Path) else stack_path(name_or_path, root=root)
    return parse_stack(read_document(path), path)


def read_document(path: Path) -> dict[str, Any]:
    """A Terraform JSON file as a dict, or a :class:`StackError` that says what is wrong with it."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StackError(f"{path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:  # Terraform JSON is UTF-8 (RFC 8259 section 8.1)
        raise StackError(f"{path} is not UTF-8 (byte {exc.start}: {exc.reason}); Terraform JSON files are") from None
    except json.JSONDecodeError as exc:
        raise StackError(f"{path} is not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise StackError(f"{path} is not a Terraform JSON document (expected an object at the top)")
    return document


def parse_stack(document: Mapping[str, Any], path: Path = Path("<stack>")) -> Stack:
    tables = {}
    for address, body in resources(document, "aws_dynamodb_table"):
        table = _table(address, body)
        tables[table.table_name] = table
    tasks = [
        _task(address, body, *_TASK_TYPES[address.split(".")[0]])
        for type_name in _TASK_TYPES
        for address, body in resources(document, type_name)
    ]
    return Stack(path, tables, tuple(tasks))


def resources(document: Mapping[str, Any], type_name: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(address, body) of every resource of ``type_name``, in either of Terraform JSON's block forms."""
    for group in _blocks(document.get("resource")):
        for name, bodies in _items(group.get(type_name)):
            for body in _blocks(bodies):
                yield f"{type_name}.{name}", body


def _blocks(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []


def _items(value: Any) -> Iterator[tuple[str, Any]]:
    for block in _blocks(value):
        yield from block.items()


def literal(address: str, body: Mapping[str, Any], attribute: str, *, required: bool = True) -> str | None:
    """A string attribute as Terraform evaluates it; a Terraform expression cannot be read here."""
    value = body.get(attribute)
    if value is None:
        if required:
            raise StackError(f"{address}: {attribute} is missing")
        return None
    if not isinstance(value, str):
        return str(value).lower() if isinstance(value, bool) else str(value)
    if is_expression(value):
        raise StackError(
            f"{address}: {attribute} is a Terraform expression ({value[:80]!r}); the tools read literal values "
            "only (use a literal in the stack, or a Terraform JSON file with the value resolved)"
        )
    return unescape(value)


def _table(address: str, body: Mapping[str, Any]) -> TableDesign:
    name = literal(address, body, "name")
    assert name is not None
    types = {}
    for definition in _blocks(body.get("attribute")):
        attribute = literal(address, definition, "name")
        kind = literal(address, definition, "type")
        assert attribute is not None and kind is not None
        try:
            types[attribute] = KeyType(kind)
        except ValueError:
            raise StackError(f"{address}: attribute {attribute!r} has type {kind!r}; allowed: S, N, B") from None

    def key(attribute: str | None, where: str) -> KeyAttribute | None:
        if attribute is None:
            return None
        if attribute not in types:
            raise StackError(f"{address}: {where} {attribute!r} has no attribute definition (name and type)")
        return KeyAttribute(attribute, types[attribute])

    indexes = [_index(address, index, key) for index in _blocks(body.get("global_secondary_index"))]
    partition = key(literal(address, body, "hash_key"), "hash_key")
    assert partition is not None
    try:
        return TableDesign(
            table_name=name,
            partition_key=partition,
            sort_key=key(literal(address, body, "range_key", required=False), "range_key"),
            indexes=tuple(indexes),
        )
    except MappingError as exc:
        raise StackError(f"{address}: {exc}") from None


def _index(
    address: str, index: Mapping[str, Any], key: Callable[[str | None, str], KeyAttribute | None]
) -> GlobalSecondaryIndex:
    """One ``global_secondary_index`` block; a value the tools cannot use is a :class:`StackError` naming it."""
    index_name = literal(address, index, "name")
    where = f"global_secondary_index {index_name!r}"
    partition = key(literal(address, index, "hash_key"), f"{where} hash_key")
    assert partition is not None and index_name is not None
    projection = literal(address, index, "projection_type", required=False) or "ALL"
    if projection not in {p.value for p in ProjectionType}:
        allowed = ", ".join(p.value for p in ProjectionType)
        raise StackError(f"{address}: {where} projection_type is {projection!r}; allowed: {allowed}")
    non_key = index.get("non_key_attributes") or []
    if not isinstance(non_key, list) or not all(isinstance(a, str) for a in non_key):
        raise StackError(f"{address}: {where} non_key_attributes is {non_key!r}; expected a list of attribute names")
    try:
        return GlobalSecondaryIndex(
            name=index_name,
            partition_key=partition,
            sort_key=key(literal(address, index, "range_key", required=False), f"{where} range_key"),
            projection=ProjectionType(projection),
            non_key_attributes=tuple(non_key),
        )
    except MappingError as exc:
        raise StackError(f"{address}: {where}: {exc}") from None


def _task(address: str, body: Mapping[str, Any], id_attribute: str, type_attribute: str, settings: str) -> StackTask:
    task_id = literal(address, body, id_attribute)
    kind = literal(address, body, type_attribute)
    mappings_text = literal(address, body, "table_mappings")
    settings_text = literal(address, body, settings, required=False)
    assert task_id is not None and kind is not None and mappings_text is not None
    try:
        migration_type = MigrationType(kind)
    except ValueError:
        allowed = ", ".join(m.value for m in MigrationType)
        raise StackError(f"{address}: {type_attribute} is {kind!r}; allowed: {allowed}") from None
    try:
        mappings = TableMappings.from_json(mappings_text)
        task_settings = TaskSettings.from_json(settings_text) if settings_text else TaskSettings()
    except MappingError as exc:
        raise StackError(f"{address} ({task_id}): {exc}") from None
    return StackTask(address, task_id, migration_type, mappings, task_settings)
