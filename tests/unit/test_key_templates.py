"""Reading a key column back out of a rendered template: only when there is one reading."""

from __future__ import annotations

import pytest

from mappings.items.key_templates import invert


@pytest.mark.parametrize(
    ("template", "text", "values"),
    [
        ("SCHEDULE#${flight}#${departs}", "SCHEDULE#LH400#10:05:00", {"flight": "LH400", "departs": "10:05:00"}),
        ("AT#${departs}", "AT#07:00:00", {"departs": "07:00:00"}),
        ("#METADATA", "#METADATA", {}),
        ("${a}-${a}", "1-1", {"a": "1"}),
        # two readings: the value itself may hold the separator, so nothing is guessed
        ("A#${x}#${y}", "A#1#2#3", None),
        ("${a}${b}", "12", None),
        ("${a}-${a}", "1-2", None),
        ("X#${a}", "Y#1", None),
    ],
)
def test_a_template_reads_back_only_unambiguously(template: str, text: str, values: dict[str, str] | None) -> None:
    assert invert(template, text) == values
