"""``init``'s text edits of the registry and the Makefile, its names, and its source in the formatter's shape."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dms_dynamodb.init.names import StackNames
from dms_dynamodb.init.pysource import Group, Item, Raw, call, render, string
from dms_dynamodb.init.register import (
    RegistrationError,
    names_in_makefile,
    names_in_registry,
    register_in_makefile,
    register_in_registry,
)
from dms_dynamodb.init.render import render_design
from mappings.design.draft import draft_design
from mappings.document.wildcards import matches
from mappings.schema import SourceSchema
from tests.conftest import ROOT

REGISTRY = (ROOT / "stacks" / "registry.py").read_text()
MAKEFILE = (ROOT / "Makefile").read_text()
RUFF = Path(sys.executable).parent / "ruff"


def _ruff_formatted(source: str) -> str:
    result = subprocess.run(
        [str(RUFF), "format", "--config", str(ROOT / "pyproject.toml"), "--stdin-filename", "x.py", "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_names_become_module_class_table_and_files() -> None:
    names = StackNames.parse("shop-orders")
    assert (names.module, names.design_module, names.class_name, names.table_name) == (
        "shop_orders",
        "shop_orders_design",
        "ShopOrdersMigrationStack",
        "shop-orders-table",
    )
    assert names.dump_file(Path("/r")) == Path("/r/stacks/sql/shop-orders-schema.sql")


@pytest.mark.parametrize("bad", ["Shop", "shop_orders", "shop--orders", "shop-", "1shop", "", "s" * 41])
def test_a_name_that_cannot_name_dms_and_rds_resources_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="lower-case letters, digits and single hyphens"):
        StackNames.parse(bad)


def test_the_registry_gains_a_sorted_import_and_an_entry_and_stays_formatted() -> None:
    text = register_in_registry(REGISTRY, StackNames.parse("sakila-init"))
    lines = text.splitlines()
    imports = [line for line in lines if line.startswith("from stacks.")]
    assert imports == sorted(imports) and "from stacks.sakila_init import SakilaInitMigrationStack" in imports
    assert lines[lines.index("}") - 1] == (
        '    "sakila-init": lambda app, config: SakilaInitMigrationStack(app, "sakila-init", config),'
    )
    assert _ruff_formatted(text) == text
    assert register_in_registry(text, StackNames.parse("sakila-init")) == text  # idempotent
    assert names_in_registry(text, StackNames.parse("sakila-init"))
    assert not names_in_registry(REGISTRY, StackNames.parse("sakila-init"))


def test_a_long_name_is_wrapped_as_the_formatter_wraps_it() -> None:
    names = StackNames.parse("a-rather-long-stack-name-for-orders-2025")
    text = register_in_registry(REGISTRY, names)
    assert '        app, "a-rather-long-stack-name-for-orders-2025", config' in text.splitlines()
    assert _ruff_formatted(text) == text


def test_a_name_the_registry_has_for_another_factory_is_refused() -> None:
    with pytest.raises(RegistrationError, match="already registers 'minimal' with a factory init did not write"):
        register_in_registry(REGISTRY, StackNames.parse("minimal"))


def test_a_registry_without_the_stacks_block_says_what_to_add() -> None:
    with pytest.raises(RegistrationError, match=r'add by hand:\n    "x1": lambda app, config: X1MigrationStack'):
        register_in_registry("from stacks.a import A\n", StackNames.parse("x1"))


def test_the_makefile_gains_the_ddl_the_stack_and_the_design_and_replaces_them_on_force() -> None:
    names = StackNames.parse("sakila-init")
    text = register_in_makefile(MAKEFILE, names, ddl="stacks/sql/sakila-schema.sql")
    assert (
        "\nDDL_existing-source := stacks/sql/shop-schema.sql\nDDL_sakila-init := stacks/sql/sakila-schema.sql\n" in text
    )
    assert "\nSTACKS := sakila aurora-serverless minimal shop existing-source sakila-init\n" in text
    assert "\nDESIGN_sakila-init := stacks.sakila_init_design:DESIGN\n" in text
    assert names_in_makefile(text, names) and not names_in_makefile(MAKEFILE, names)
    assert register_in_makefile(text, names, ddl="stacks/sql/sakila-schema.sql") == text  # idempotent
    moved = register_in_makefile(text, names, ddl="stacks/sql/sakila-init-schema.sql")
    assert moved.count("DDL_sakila-init :=") == 1 and "DDL_sakila-init := stacks/sql/sakila-init-schema.sql" in moved
    assert moved.count(" sakila-init") == text.count(" sakila-init")


def test_a_makefile_without_ddl_lines_says_what_to_add() -> None:
    with pytest.raises(RegistrationError, match=r"add by hand:\nDDL_x1 := a.sql\nSTACKS \+= x1"):
        register_in_makefile("all:\n\ttrue\n", StackNames.parse("x1"), ddl="a.sql")


def test_source_fits_on_one_line_or_explodes_with_trailing_commas_as_ruff_keeps_it() -> None:
    short = call("Entity", table=string("film"), partition_key=string("FILM#${film_id}"))
    assert render(short, "    ", suffix=",") == ['    Entity(table="film", partition_key="FILM#${film_id}"),']
    keys = Group(
        "{", (Item(string("ACTOR#${actor_id}"), key='"gsi1pk"'), Item(string("FILM#${film_id}"), key='"gsi1sk"'))
    )
    long = call("Entity", table=string("film_actor" * 5), partition_key=string("FILM#${film_id}"), index_keys=keys)
    lines = render(long, prefix="X = ")
    assert lines[0] == "X = Entity(" and lines[-1] == ")" and all(line.endswith(",") for line in lines[1:-1])
    commented = Group("(", (Item(Raw("1"), comments=("why: " + "word " * 40,)),))
    source = "\n".join(render(commented, prefix="Y = ")) + "\n"
    assert source.count("\n    # ") == 2  # the comment is wrapped to the line length
    whole = "\n".join(lines) + "\n" + source
    assert _ruff_formatted(whole) == whole


def test_an_excluded_table_s_wildcard_characters_are_bracketed_to_match_only_it() -> None:
    ddl = "CREATE TABLE a (id INT NOT NULL, PRIMARY KEY (id));\nCREATE TABLE `odd%log_x` (at DATETIME NOT NULL);"
    draft = draft_design(SourceSchema.from_ddl(ddl, name="db"), table_name="t-table")
    source = render_design(draft, StackNames.parse("odd"), ddl="odd.sql")
    compile(source, "odd_design.py", "exec")
    assert _ruff_formatted(source) == source
    assert 'selection.append(exclude(SCHEMA, "odd[%]log[_]x", rule_name="exclude-odd%log-x"))' in source
    assert matches("odd[%]log[_]x", "odd%log_x") and not matches("odd[%]log[_]x", "oddXlogYx")
