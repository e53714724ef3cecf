"""Cascade chains: which migrated tables a table's delete or update reaches, over any number of hops."""

from __future__ import annotations

from dms_dynamodb.source.cascades import Cascade, chains


def fk(name: str, child: str, column: str, parent: str, referenced: str, on_delete: str, on_update: str) -> Cascade:
    return Cascade(name, ("s", child), (column,), ("s", parent), (referenced,), on_delete, on_update)


def test_a_delete_reaches_a_migrated_grandchild_through_a_table_not_migrated() -> None:
    found = chains(
        [
            fk("a", "mid", "gp_id", "gp", "id", "CASCADE", "RESTRICT"),
            fk("b", "leaf", "mid_id", "mid", "id", "CASCADE", "RESTRICT"),
        ],
        [("s", "leaf")],
    )
    (chain,) = found[(("s", "gp"), "delete")]
    assert chain.name == "a -> b" and chain.child == ("s", "leaf") and chain.on_update == "CHAIN"
    assert "chain of 2 constraints" in chain.describe("delete")
    assert (("s", "gp"), "update") not in found  # ON UPDATE RESTRICT carries nothing


def test_an_update_goes_on_only_through_keys_that_reference_the_changed_columns() -> None:
    cascades = [
        fk("a", "mid", "gp_id", "gp", "id", "SET NULL", "CASCADE"),
        fk("b", "leaf", "mid_gp", "mid", "gp_id", "RESTRICT", "CASCADE"),  # references the column a changes
        fk("c", "other", "mid_id", "mid", "id", "CASCADE", "CASCADE"),  # references a column a leaves alone
    ]
    found = chains(cascades, [("s", "leaf"), ("s", "other")])
    assert [c.name for c in found[(("s", "gp"), "update")]] == ["a -> b"]
    assert [c.name for c in found[(("s", "gp"), "delete")]] == ["a -> b"]  # SET NULL is an update of mid.gp_id
    assert {c.name for c in found[(("s", "mid"), "delete")]} == {"c"}


def test_a_cycle_of_keys_ends() -> None:
    cascades = [
        fk("a", "t2", "t1_id", "t1", "id", "CASCADE", "CASCADE"),
        fk("b", "t1", "t2_id", "t2", "id", "CASCADE", "CASCADE"),
    ]
    found = chains(cascades, [("s", "t1")])
    assert [c.name for c in found[(("s", "t1"), "delete")]] == ["a -> b"]
