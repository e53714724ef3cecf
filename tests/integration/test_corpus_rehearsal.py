"""Real public schemas no one here wrote (../shared/corpus/mysql-ddl), rehearsed end to end: their DDL as
shipped (foreign keys from ALTER TABLE, composite keys, views, tables without a primary key), synthetic
rows, a full load, CDC, verify. And items written by hand from DMS's documentation, attribute by
attribute, for rows of the employees schema (not computed by the item model)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.cli import main
from dms_dynamodb.dynamodb.client import client, create_table
from dms_dynamodb.load import full_load
from dms_dynamodb.plan import make_plan
from dms_dynamodb.rehearsal.synthetic import fill
from dms_dynamodb.source.connection import connect
from dms_dynamodb.stack import parse_stack
from mappings.schema import SourceSchema
from tests.conftest import DDL_CORPUS
from tests.corpus_stack import TARGET, corpus_stack

pytestmark = pytest.mark.shared  # reads ../shared/corpus/mysql-ddl


def _schema(name: str) -> SourceSchema:
    database = json.loads((DDL_CORPUS / f"{name}.expected.json").read_text())["database"]
    return SourceSchema.from_ddl((DDL_CORPUS / f"{name}.sql").read_text(), name=database)


@pytest.mark.parametrize(
    "name",
    [
        "01-employees",  # composite primary keys, two views, foreign keys written before the primary key
        "07-flowable",  # every foreign key added by ALTER TABLE, CONSTRAINT PK_x PRIMARY KEY, CREATE INDEX
        "09-spring-batch",  # inline PRIMARY KEY, four tables without a primary key (excluded, reported)
    ],
)
def test_a_corpus_schema_rehearses_clean_with_rows_and_cdc(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = _schema(name)
    stack = tmp_path / "stack.tf.json"
    stack.write_text(json.dumps(corpus_stack(schema)))
    ddl = DDL_CORPUS / f"{name}.sql"
    status = main(
        ["rehearse", "--stack", str(stack), "--ddl", str(ddl), "--schema", schema.name,
         "--rows", "50", "--cdc", "300", "--quiet"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0, out[-3000:]
    assert "workload: 300 changes" in out and "made " not in out  # every change asked for was made
    assert "0 MISSING_TARGET, 0 MISSING_SOURCE, 0 RECORD_DIFF" in out and "rehearsal finished" in out
    without_key = [t.name for t in schema.tables.values() if not t.primary_key and not t.is_view]
    assert all(f"{schema.name}.{t}" not in out.split("tables: ", 1)[1].splitlines()[0] for t in without_key)


EMPLOYEE = "INSERT INTO employees VALUES (10001, '1953-09-02', 'Georgi', 'Facello', 'M', '1986-06-26')"
SALARY = "INSERT INTO salaries VALUES (10001, 60117, '1986-06-26', '1987-06-26')"
DEPARTMENT = "INSERT INTO departments VALUES ('d009', 'Customer Service')"
DEPT_EMP = "INSERT INTO dept_emp VALUES (10001, 'd009', '1986-06-26', '9999-01-01')"

# Written by hand from CHAP_Target.DynamoDB: map-record-to-record copies every column under its own
# name; INT is Number; DATE, CHAR, VARCHAR and ENUM are String (dates as YYYY-MM-DD, assumption [1]);
# the key attributes are the ${} templates with the values substituted.
EXPECTED = {
    "EMPLOYEES#10001": {
        "pk": {"S": "EMPLOYEES#10001"}, "sk": {"S": "#METADATA"}, "emp_no": {"N": "10001"},
        "birth_date": {"S": "1953-09-02"}, "first_name": {"S": "Georgi"}, "last_name": {"S": "Facello"},
        "gender": {"S": "M"}, "hire_date": {"S": "1986-06-26"},
    },
    "SALARIES#10001#1986-06-26": {
        "pk": {"S": "SALARIES#10001#1986-06-26"}, "sk": {"S": "#METADATA"}, "emp_no": {"N": "10001"},
        "salary": {"N": "60117"}, "from_date": {"S": "1986-06-26"}, "to_date": {"S": "1987-06-26"},
    },
    "DEPARTMENTS#d009": {
        "pk": {"S": "DEPARTMENTS#d009"}, "sk": {"S": "#METADATA"}, "dept_no": {"S": "d009"},
        "dept_name": {"S": "Customer Service"},
    },
    "DEPT_EMP#10001#d009": {
        "pk": {"S": "DEPT_EMP#10001#d009"}, "sk": {"S": "#METADATA"}, "emp_no": {"N": "10001"},
        "dept_no": {"S": "d009"}, "from_date": {"S": "1986-06-26"}, "to_date": {"S": "9999-01-01"},
    },
}  # fmt: skip


def test_employees_items_match_the_items_written_by_hand_attribute_by_attribute(mariadb: Any, dynalite: Any) -> None:
    schema = _schema("01-employees")
    mariadb.execute_file(schema.name, DDL_CORPUS / "01-employees.sql")
    url = mariadb.url(schema.name)
    connection = connect(url)
    with connection.cursor() as cursor:
        for statement in (EMPLOYEE, SALARY, DEPARTMENT, DEPT_EMP):
            cursor.execute(statement)
    fill(connection, schema, 20)
    stack = parse_stack(corpus_stack(schema))
    plan = make_plan(stack, stack.task(None), connection)
    ddb = client(dynalite.endpoint_url)
    create_table(ddb, stack.tables[TARGET])
    report = full_load(url, ddb, plan)
    assert not report.rejections
    for key, expected in EXPECTED.items():
        actual = ddb.get_item(TableName=TARGET, Key={"pk": {"S": key}, "sk": {"S": "#METADATA"}})["Item"]
        assert sorted(actual) == sorted(expected), key
        for attribute, value in expected.items():
            assert actual[attribute] == value, (key, attribute)
