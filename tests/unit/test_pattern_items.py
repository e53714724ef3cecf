"""The access-pattern printout shows whole items: every key attribute (a third GSI's too) and every other one."""

from __future__ import annotations

from dms_dynamodb.rehearsal.patterns import PatternResult, plain_item
from mappings.design import AccessPattern

ITEM = {
    "title": {"S": "ACADEMY DINOSAUR"},
    "gsi3sk": {"S": "FILM#1"},
    "sk": {"S": "#METADATA"},
    "gsi10pk": {"S": "X#1"},
    "gsi3pk": {"S": "LANGUAGE#1"},
    "pk": {"S": "FILM#1"},
    "rental_rate": {"N": "0.99"},
    "length": {"N": "86"},
    "special_features": {"SS": ["Trailers", "Deleted Scenes"]},
    "original_language_id": {"NULL": True},
}


def test_an_item_is_shown_whole_keys_first_in_index_order() -> None:
    assert list(plain_item(ITEM).items()) == [
        ("pk", "FILM#1"),
        ("sk", "#METADATA"),
        ("gsi3pk", "LANGUAGE#1"),
        ("gsi3sk", "FILM#1"),
        ("gsi10pk", "X#1"),
        ("length", 86),
        ("original_language_id", None),
        ("rental_rate", 0.99),
        ("special_features", ["Deleted Scenes", "Trailers"]),
        ("title", "ACADEMY DINOSAUR"),
    ]


def test_the_printout_holds_every_attribute_of_each_item() -> None:
    result = PatternResult(AccessPattern(name="film by film_id", partition_key="FILM#<film_id>"), "FILM#1", [ITEM])
    text = result.render()
    assert text.splitlines()[0] == "film by film_id (table, FILM#1): 1 items"
    for name in ITEM:
        assert f"'{name}'" in text
    assert "'title': 'ACADEMY DINOSAUR'" in text and "'gsi3pk': 'LANGUAGE#1'" in text
