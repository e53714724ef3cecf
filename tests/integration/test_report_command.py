"""``dms-dynamodb report`` against servers of the user's own (here a MariaDB and a dynalite): the shop table as
item collections, the design's patterns with their items, and a verify finding next to the item it names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.cli import main
from tests.conftest import stack_file
from tests.integration.live import loaded_shop


def test_report_draws_the_shop_table_from_live_servers(
    live_shop: tuple[str, Any], target: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = live_shop
    loaded_shop(url, target)
    out = tmp_path / "out"
    arguments = ["report", "--stack", str(stack_file("shop")), "--endpoint-url", target.meta.endpoint_url,
                 "--mysql-url", url, "--design", "stacks.shop_design:SHOP_DESIGN", "--out", str(out)]  # fmt: skip
    assert main(arguments) == 0, capsys.readouterr().err
    data = _data(out)
    assert [e["table"] for e in data["entities"]] == ["customer", "product", "orders", "order_line"]
    orders = next(e for e in data["entities"] if e["table"] == "orders")
    assert orders["collections"] and all(c["value"].startswith("CUSTOMER#") for c in orders["collections"])
    assert all(p["items"] for p in data["patterns"]), [p["name"] for p in data["patterns"] if not p["items"]]
    assert not any(i["findings"] for e in data["entities"] for c in e["collections"] for i in c["items"])
    # a verify finding (typed key, as verify writes it) on an item the page shows lands next to that item
    shown = next(e for e in data["entities"] if e["table"] == "order_line")["collections"][0]["items"][0]["attributes"]
    key = {"pk": {"S": shown["pk"]}, "sk": {"S": shown["sk"]}}
    report = tmp_path / "verify.jsonl"
    report.write_text(json.dumps({"type": "RECORD_DIFF", "table": "shop-table", "key": key, "diff": []}) + "\n")
    assert main([*arguments, "--verify-report", str(report)]) == 0
    data = _data(out)
    noted = [i for e in data["entities"] for c in e["collections"] for i in c["items"] if i["findings"]]
    assert [(i["attributes"]["pk"], i["attributes"]["sk"]) for i in noted] == [(shown["pk"], shown["sk"])]
    assert noted[0]["findings"] == ['RECORD_DIFF {"diff": [], "table": "shop-table"}']
    assert (out / "report.md").stat().st_mode & 0o777 == 0o600
    # without a design, each entity's collection and its GSIs are the patterns, each with the items it returns
    assert main([a for a in arguments if a not in ("--design", "stacks.shop_design:SHOP_DESIGN")]) == 0
    patterns = {p["name"]: p for p in _data(out)["patterns"]}
    assert list(patterns) == [
        "customer collection",
        "customer by GSI1",
        "product collection",
        "orders collection",
        "orders by GSI1",
        "order_line collection",
        "order_line by GSI1",
    ]
    assert all(p["items"] for p in patterns.values())


def _data(out: Path) -> dict[str, Any]:
    page = (out / "index.html").read_text()
    return dict(json.loads(page.split('id="report-data">', 1)[1].split("</script>", 1)[0]))
