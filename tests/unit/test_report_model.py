"""The report's data, from hand-written items: entities found by their key templates, partitions read whole,
verify's findings next to the item they name, and item text that can never become markup in the page."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from dms_dynamodb.report.html import render_html
from dms_dynamodb.report.markdown import render_markdown
from dms_dynamodb.report.model import build_report, entity_keys
from mappings.design import Entity, GlobalSecondaryIndex, KeyAttribute, TableDesign

DESIGN = TableDesign(
    table_name="t",
    indexes=(GlobalSecondaryIndex(name="GSI1", partition_key=KeyAttribute("gsi1pk"), sort_key=KeyAttribute("gsi1sk")),),
    entities=(
        Entity(table="customer", partition_key="CUSTOMER#${customer_id}"),
        Entity(
            table="rental",
            partition_key="CUSTOMER#${customer_id}",
            sort_key="RENTAL#${rental_id}",
            index_keys={"gsi1pk": "INVENTORY#${inventory_id}", "gsi1sk": "RENTAL#${rental_id}"},
        ),
    ),
)
CUSTOMER = {
    "pk": {"S": "CUSTOMER#1"},
    "sk": {"S": "#METADATA"},
    "customer_id": {"N": "1"},
    "name": {"S": "</script><b>x"},
}
RENTALS = [
    {
        "pk": {"S": "CUSTOMER#1"},
        "sk": {"S": f"RENTAL#{n}"},
        "gsi1pk": {"S": "INVENTORY#7"},
        "gsi1sk": {"S": f"RENTAL#{n}"},
        "rental_id": {"N": str(n)},
    }
    for n in (3, 2)
]
TABLE = [CUSTOMER, *RENTALS]


def _read(index: str | None, key: str, value: Mapping[str, Any]) -> Sequence[Mapping[str, Any]]:
    return [i for i in TABLE if i.get(key) == value]


def _report(findings: list[dict[str, Any]]) -> dict[str, Any]:
    return build_report(
        stack="s", task="t1", design=DESIGN, entities=entity_keys(DESIGN.table_mappings("db"), DESIGN),
        items=[RENTALS[0], CUSTOMER], read=_read, patterns=[], left_out={"rental": ["rental.x (TIME) is left out"]},
        findings=findings,
    )  # fmt: skip


def test_items_go_to_the_entity_whose_templates_they_match_and_partitions_are_read_whole() -> None:
    data = _report([])
    customer, rental = data["entities"]
    assert (customer["table"], customer["count"], rental["count"]) == ("customer", 1, 1)
    (collection,) = rental["collections"]
    # the sample held one rental; the partition, read whole and in sort-key order, holds the customer and both
    assert [i["attributes"]["sk"] for i in collection["items"]] == ["#METADATA", "RENTAL#2", "RENTAL#3"]
    assert rental["templates"] == {"pk": "CUSTOMER#${customer_id}", "sk": "RENTAL#${rental_id}",
                                   "gsi1pk": "INVENTORY#${inventory_id}", "gsi1sk": "RENTAL#${rental_id}"}  # fmt: skip
    assert rental["left_out"] == ["rental.x (TIME) is left out"]
    (gsi,) = data["indexes"]
    assert gsi["collections"][0]["value"] == "INVENTORY#7" and gsi["collections"][0]["count"] == 2


def test_a_verify_finding_sits_next_to_the_item_it_names() -> None:
    finding = {"type": "RECORD_DIFF", "table": "rental", "key": {"pk": "CUSTOMER#1", "sk": "RENTAL#2"}, "diff": []}
    (collection,) = _report([finding])["entities"][1]["collections"]
    noted = {i["attributes"]["sk"]: i["findings"] for i in collection["items"]}
    assert noted["RENTAL#2"] == ['RECORD_DIFF {"diff": [], "table": "rental"}']
    assert noted["RENTAL#3"] == [] and noted["#METADATA"] == []


def test_item_text_cannot_close_the_embedded_data_and_markdown_says_the_same() -> None:
    data = _report([])
    page = render_html(data)
    embedded = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.DOTALL)
    assert embedded is not None and json.loads(embedded.group(1)) == json.loads(json.dumps(data))
    assert "</script><b>x" not in page
    markdown = render_markdown(data)
    assert "### rental" in markdown and "`sk`: RENTAL#2" in markdown and "rental.x (TIME) is left out" in markdown
