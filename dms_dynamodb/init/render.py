"""The two modules ``init`` writes, as source text: the design (``stacks/NAME_design.py``) and the stack.

The design module declares the drafted ``TableDesign`` with each choice as a comment above the entity
it shapes, and ``table_mappings()``; the stack module wires it into the constructs as
``stacks/shop.py`` does. Both come out in ``ruff format``'s shape and pass ``ruff check`` and
``mypy --strict`` (the tests hold that).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dms_dynamodb.init.names import MARKER, StackNames, import_order
from dms_dynamodb.init.pysource import Group, Item, Node, Raw, call, comment, literal, render, string
from mappings.design import METADATA, AccessPattern, Entity
from mappings.design.draft import DesignDraft

_METHOD = (
    "The article's method, one rule per table (each choice is commented where it is made, with the access "
    "patterns it serves): a view is not migrated and a table without a primary key (or with a key column no ${} "
    "template can hold) is excluded; a primary key of exactly two foreign keys is an adjacency list in the collection "
    "of the parent the table's name names first, inverted in GSI1; a table that holds a collection keeps its own "
    "partition, TABLE#<key> with the item #METADATA; a table whose first NOT NULL foreign key names a parent's primary "
    "key lives in that parent's item collection (decided children first), sorted by its DATE/DATETIME/TIMESTAMP "
    "column when it has one; a primary key of a parent's key plus a time is one collection per parent, sorted by "
    "time; any other table is its own partition. Composite keys join their columns with #. Every further NOT NULL "
    "foreign key is a GSI (GSI1, GSI2, ... shared by all entities; 20 at most), sorted by time too; an entity whose "
    "table keys hold more than its primary key is also fetched by that key through a GSI. Two entities never share a "
    "GSI partition-key prefix, and columns whose names say they hold secrets are not copied."
)


def _docstring(paragraphs: Sequence[str]) -> list[str]:
    """A module docstring: the first paragraph is its summary line."""
    lines = [f'"""{paragraphs[0]}', ""]
    for paragraph in paragraphs[1:]:
        lines += [line.removeprefix("# ") for line in comment(paragraph, "")] + [""]
    lines[-1] = '"""'
    return lines


def _entity(entity: Entity) -> Group:
    keywords: dict[str, Node] = {"table": string(entity.table), "partition_key": string(entity.partition_key)}
    if entity.sort_key != METADATA:
        keywords["sort_key"] = Raw("None") if entity.sort_key is None else string(entity.sort_key)
    if entity.index_keys:
        keywords["index_keys"] = Group(
            "{", tuple(Item(string(v), key=literal(k)) for k, v in entity.index_keys.items())
        )
    if entity.exclude_columns:
        keywords["exclude_columns"] = Group("(", tuple(Item(string(c)) for c in entity.exclude_columns))
    return call("Entity", **keywords)


def _pattern(pattern: AccessPattern) -> Group:
    keywords: dict[str, Node] = {"name": string(pattern.name)}
    if pattern.index:
        keywords["index"] = string(pattern.index)
    keywords["partition_key"] = string(pattern.partition_key)
    if pattern.sort_key_condition:
        keywords["sort_key_condition"] = string(pattern.sort_key_condition)
    return call("AccessPattern", **keywords)


def _index_notes(number: int) -> str:
    if number == 1:
        return (
            "GSI1: each entity's first relation beyond its item collection: an adjacency list the other way round, "
            "an entity found by the parent its foreign key names (gsi1pk the parent's key, gsi1sk its own)."
        )
    return f"GSI{number}: each entity's relation number {number} beyond its item collection, as GSI1."


def render_design(
    draft: DesignDraft, names: StackNames, *, ddl: str, left_out: Mapping[str, Sequence[str]] | None = None
) -> str:
    """``stacks/NAME_design.py`` for ``draft``, drafted from the DDL at ``ddl`` (a path as the user sees it);
    ``left_out`` per table: the columns the items leave out by an assumption, said above the entity."""
    left_out = left_out or {}
    design = draft.design
    imports = ["AccessPattern", "Entity"]
    if design.indexes:
        imports += ["GlobalSecondaryIndex", "KeyAttribute"]
    imports += ["TableDesign"] + (["exclude"] if draft.excluded else [])
    lines = [
        MARKER,
        *_docstring(
            [
                f"The {names.name} stack's single-table design: a first draft from the schema's keys.",
                f"Drafted from {ddl} (schema {draft.schema}). {_METHOD}",
                f"`dms-dynamodb design --design stacks.{names.design_module}:DESIGN` draws its chart; "
                f"`make check STACK={names.name}` checks it against the DDL and `make rehearse STACK={names.name}` "
                "runs its access patterns on a rehearsed load.",
            ]
        ),
        "",
        "from __future__ import annotations",
        "",
        "from mappings import TableMappings",
        f"from mappings.design import {', '.join(imports)}",
        "from mappings.document.enums import SelectionAction",
        "from mappings.document.rules import ObjectLocator, SelectionRule",
        "",
        "#: The source database (DMS's schema-name).",
        f"SCHEMA = {literal(draft.schema)}",
        "#: The DynamoDB table every entity is written to.",
        f"TABLE = {literal(design.table_name)}",
        "",
    ]
    indexes = Group(
        "(",
        tuple(
            Item(
                call(
                    "GlobalSecondaryIndex",
                    name=string(i.name),
                    partition_key=call("KeyAttribute", string(i.partition_key.name)),
                    sort_key=call("KeyAttribute", string(i.sort_key.name if i.sort_key else "")),
                ),
                comments=(_index_notes(n),),
            )
            for n, i in enumerate(design.indexes, start=1)
        ),
        exploded=True,
    )
    entities = Group(
        "(",
        tuple(
            Item(
                _entity(e.entity),
                comments=(
                    *e.notes,
                    *left_out.get(e.entity.table, ()),
                    "Serves: " + "; ".join(f'"{s}"' for s in e.serves) + ".",
                ),
            )
            for e in draft.entities
        ),
        exploded=True,
    )
    patterns = Group("(", tuple(Item(_pattern(p)) for p in design.access_patterns), exploded=True)
    keywords: dict[str, Node] = {"table_name": Raw("TABLE")}
    if design.indexes:
        keywords["indexes"] = indexes
    keywords["entities"] = entities
    keywords["access_patterns"] = patterns
    lines += render(call("TableDesign", **keywords), prefix="DESIGN = ")
    unmigrated = []
    if draft.views:
        unmigrated.append(f"Views are not migrated (a view's rows are its tables' rows): {', '.join(draft.views)}.")
    if draft.not_selected:
        unmigrated.append(f"Not in this stack (init --tables): {', '.join(draft.not_selected)}.")
    if unmigrated:
        lines += [""] + [line for text in unmigrated for line in comment(text, "")]
    lines += ["", "", *_SELECT, "", "", *_mappings(draft)]
    return "\n".join(lines) + "\n"


_SELECT = [
    "def _select(table: str) -> SelectionRule:",
    '    """Exactly this table: `explicit` takes no wildcard, and a table added to the source later is not',
    '    migrated unasked (DMS would create a DynamoDB table for a selected table nothing maps)."""',
    "    return SelectionRule(",
    "        rule_name=f\"select-{table.replace('_', '-')}\",",
    "        rule_action=SelectionAction.EXPLICIT,",
    "        object_locator=ObjectLocator(schema_name=SCHEMA, table_name=table),",
    "    )",
]


def _mappings(draft: DesignDraft) -> list[str]:
    lines = [
        "def table_mappings() -> TableMappings:",
        '    """Each entity\'s table selected by name, tables without a primary key excluded, one mapping per entity."""',
        "    selection = [_select(entity.table) for entity in DESIGN.entities]",
    ]
    for excluded in draft.excluded:
        # `_`, `%` and `[` are wildcards in a locator; bracketed, each matches only itself (and no other table).
        pattern = "".join(f"[{c}]" if c in "_%[" else c for c in excluded.table)
        lines += comment(f"{excluded.table}: {excluded.reason}.", "    ")
        exclusion = call(
            "exclude",
            Raw("SCHEMA"),
            string(pattern),
            rule_name=string(f"exclude-{excluded.table.replace('_', '-')}"),
        )
        lines += render(call("selection.append", exclusion), "    ")
    lines.append("    return DESIGN.table_mappings(SCHEMA, selection=selection)")
    return lines


def _stack_imports(design_module: str) -> list[str]:
    """The stack module's ``from stacks.`` imports in ruff's order, wherever the design module's name sorts."""
    imports = {
        "stacks.base": "configure_stack",
        "stacks.config": "StackConfig",
        "stacks.sakila": "network_inputs, pipeline_outputs, route_table_input",
        f"stacks.{design_module}": "DESIGN, SCHEMA, table_mappings",
    }
    return [f"from {m} import {imports[m]}" for m in sorted(imports, key=import_order)]


def render_stack(names: StackNames, *, ddl: str) -> str:
    """``stacks/NAME.py``: the constructs around the design, as ``stacks/shop.py`` wires them."""
    n, module = names.name, names.design_module
    lines = [
        MARKER,
        *_docstring(
            [
                f"The {n} stack: a MySQL schema into one DynamoDB table, full load and CDC (a starter: edit it).",
                f"Its design is stacks/{module}.py, drafted from {ddl}. The source is a new RDS MySQL, as in the "
                "article; to migrate a database that already exists, use ExistingMySqlSource as "
                "stacks/existing_source.py does. The VPC, its private subnets and their route tables are inputs.",
                f"`make synth` writes cdktf.out/stacks/{n}/cdk.tf.json; `make check STACK={n}` and "
                f"`make rehearse STACK={n}` check and rehearse it; the snapshot tests cover it once you run "
                "`make test PYTEST_ARGS=--snapshot-update`.",
            ]
        ),
        "",
        "from __future__ import annotations",
        "",
        "from cdktf import TerraformStack",
        "from constructs import Construct",
        "",
        "from constructs_lib.dms_roles import DmsAccountRoles, DmsAccountRolesProps",
        "from constructs_lib.kms import MigrationKey",
        "from constructs_lib.network import NetworkProps",
        "from constructs_lib.pipeline import DmsMigrationPipeline, DmsMigrationPipelineProps, MigrationType",
        "from constructs_lib.pipeline_props import ReplicationInstanceClass",
        "from constructs_lib.single_table import DynamoDbSingleTable",
        "from constructs_lib.source_database import MySqlSource, MySqlSourceProps",
        "from constructs_lib.table_props import SingleTableProps",
        *_stack_imports(module),
        "",
        "",
        f"class {names.class_name}(TerraformStack):",
        f'    """Defines the {n} migration, end to end."""',
        "",
        "    def __init__(self, scope: Construct, id: str, config: StackConfig) -> None:",
        "        super().__init__(scope, id)",
        "        configure_stack(self, id, config)",
        "        vpc_id, subnet_ids = network_inputs(self)",
        "        # DMS's account-wide roles (dms-vpc-role and the CloudWatch one): made here unless createAccountRoles is",
        "        # false, which it must be when another stack in the account made them.",
        '        roles = DmsAccountRoles(self, "DmsAccountRoles", DmsAccountRolesProps(create=config.create_account_roles))',
        f'        key = MigrationKey(self, "Key", name={literal(n + "-migration")})',
        "        source = MySqlSource(",
        "            self,",
        '            "Source",',
        "            MySqlSourceProps(",
        f"                identifier={literal(n + '-source')},",
        "                vpc_id=vpc_id,",
        "                subnet_ids=subnet_ids,",
        "                database_name=SCHEMA,",
        "                kms_key_arn=key.key_arn,",
        "            ),",
        "        )",
        '        table = DynamoDbSingleTable(self, "Table", SingleTableProps.from_design(DESIGN, kms_key_arn=key.key_arn))',
        "        pipeline = DmsMigrationPipeline(",
        "            self,",
        '            "Migration",',
        "            DmsMigrationPipelineProps(",
        f"                identifier={literal(n)},",
        "                vpc_id=vpc_id,",
        "                subnet_ids=subnet_ids,",
        "                source=source,",
        "                target=table,",
        "                table_mappings=table_mappings(),",
        "                migration_type=MigrationType.FULL_LOAD_AND_CDC,",
        "                replication_instance_class=ReplicationInstanceClass.T3_MEDIUM,",
        "                account_roles=roles,",
        "                kms_key_arn=key.key_arn,",
        "                # DMS in private subnets without NAT: VPC endpoints for DynamoDB and Secrets Manager.",
        "                network=NetworkProps(nat=False, route_table_ids=route_table_input(self)),",
        "            ),",
        "        )",
        "        pipeline_outputs(self, source, pipeline)",
    ]
    return "\n".join(lines) + "\n"
