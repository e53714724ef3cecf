"""Columns said where they are decided: a copied secret is a check-stack warning; a column the items leave out by
assumption 12 (TIME, BINARY, BIT(n>1), GEOMETRY, BLOB) is named per table with the mapping that keeps it."""

from __future__ import annotations

from mappings.design import Entity, TableDesign
from mappings.schema import SourceSchema
from mappings.validation.column_checks import column_findings

DDL = """
CREATE TABLE flight_schedule (
  schedule_id INT NOT NULL, departs TIME NOT NULL, arrives TIME NOT NULL, days BIT(7) NOT NULL,
  gate_code BINARY(4), route GEOMETRY, photo BLOB, flag BIT(1), PRIMARY KEY (schedule_id));
CREATE TABLE employee (emp_id INT NOT NULL, password CHAR(32), token CHAR(40), PRIMARY KEY (emp_id));
"""


def _findings(*entities: Entity) -> tuple[list[str], list[tuple[str, str]]]:
    schema = SourceSchema.from_ddl(DDL, name="db")
    design = TableDesign(table_name="t", entities=entities)
    issues, dropped = column_findings(0, design.table_mappings("db"), [schema])
    return [f"{i.severity.value} {i.code}: {i.message}" for i in issues], [(d.table, d.column) for d in dropped]


def test_each_column_left_out_by_assumption_is_named_with_the_template_that_keeps_it() -> None:
    _, dropped = _findings(Entity(table="flight_schedule", partition_key="SCHEDULE#${schedule_id}"))
    # BIT(1) is a BOOL and is kept; everything else outside DMS's type table is named, in column order.
    assert dropped == [
        ("flight_schedule", "departs"),
        ("flight_schedule", "arrives"),
        ("flight_schedule", "days"),
        ("flight_schedule", "gate_code"),
        ("flight_schedule", "route"),
        ("flight_schedule", "photo"),
    ]
    schema = SourceSchema.from_ddl(DDL, name="db")
    design = TableDesign(table_name="t", entities=(Entity(table="flight_schedule", partition_key="S#${schedule_id}"),))
    (departs, *_) = column_findings(0, design.table_mappings("db"), [schema])[1]
    assert departs.describe() == (
        "flight_schedule.departs (TIME) is left out of the items: DMS's DynamoDB type table has no type for it "
        '(README assumption 12). To keep it as text, add the attribute mapping {"target-attribute-name": "departs", '
        '"attribute-type": "scalar", "attribute-sub-type": "string", "value": "${departs}"} '
        '(in a TableDesign: renames={"departs": "departs_text"}).'
    )


def test_a_column_a_template_already_writes_is_not_said_to_be_left_out() -> None:
    entity = Entity(
        table="flight_schedule",
        partition_key="SCHEDULE#${schedule_id}",
        sort_key="AT#${departs}",
        exclude_columns=("photo",),
    )
    _, dropped = _findings(entity)
    assert ("flight_schedule", "departs") not in dropped and ("flight_schedule", "photo") not in dropped
    assert ("flight_schedule", "arrives") in dropped


def test_a_copied_secret_is_a_warning_and_an_excluded_one_is_not() -> None:
    issues, _ = _findings(Entity(table="employee", partition_key="EMP#${emp_id}", exclude_columns=("token",)))
    assert issues == [
        "warning secret-column-copied: db.employee.password: the name says it holds a secret and the mapping copies "
        "it into the target; add it to exclude-columns unless the target may hold it"
    ]
