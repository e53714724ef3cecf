"""A follower an operator can watch: a real ``dms-dynamodb cdc`` process with its output in files (block
buffered: no PYTHONUNBUFFERED), a key change on the source, and its apply exception line in the file
within one progress interval; the progress line and the status file say the same. Every wait has a
timeout."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

from dms_dynamodb.source.connection import connect
from tests.conftest import ROOT, stack_file
from tests.integration.live import loaded_shop, wait_for
from tests.timing import seconds

PROGRESS = 5.0  # seconds between progress lines (the default)
SLACK = 2.0  # the event's own way to the follower (heartbeats, a shared machine)


def test_an_apply_exception_is_in_the_redirected_output_within_one_progress_interval(
    live_shop: tuple[str, Any], target: Any, tmp_path: Path
) -> None:
    url, _ = live_shop
    _plan, start = loaded_shop(url, target)
    out, err, status = tmp_path / "cdc.out", tmp_path / "cdc.err", tmp_path / "status.json"
    command = [sys.executable, "-m", "dms_dynamodb", "cdc", "--stack", str(stack_file("shop")), "--mysql-url", url,
               "--endpoint-url", target.meta.endpoint_url, "--checkpoint", str(tmp_path / "cdc.json"),
               "--start", str(start), "--progress-seconds", str(PROGRESS), "--status-file", str(status)]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stdout, stderr=stderr)
    try:
        assert wait_for(status.exists, seconds(30)) < seconds(30), err.read_text()
        with connect(url).cursor() as cursor:
            cursor.execute("SELECT order_id, customer_id FROM orders WHERE placed_at >= '2024-07-01' LIMIT 1")
            order, owner = cursor.fetchone()
            cursor.execute("SELECT customer_id FROM customer WHERE customer_id <> %s LIMIT 1", (owner,))
            (other,) = cursor.fetchone()
            cursor.execute("UPDATE orders SET customer_id = %s WHERE order_id = %s", (other, order))
        took = wait_for(lambda: "apply exception shop.orders" in out.read_text(), seconds(20))
        assert took <= seconds(PROGRESS), (
            took,
            out.read_text(),
            err.read_text(),
        )  # within one interval (a poller: ~1 s)
        (line,) = [line for line in out.read_text().splitlines() if line.startswith("apply exception")]
        assert f"UPDATE shop.orders SET customer_id = {other} WHERE order_id = {order}" in line
        assert "base-table key column(s) customer_id" in line
        assert "; kept in awsdms_apply_exceptions (shop-orders, " in line

        assert wait_for(lambda: json.loads(status.read_text())["apply_exceptions"] == 1, PROGRESS + SLACK) < 9, (
            status.read_text()
        )
        saved = json.loads(status.read_text())
        assert stat.S_IMODE(status.stat().st_mode) == 0o600
        assert saved["last_exception"]["TABLE_NAME"] == "orders" and saved["applied"] == 0
        assert set(saved) >= {"position", "head", "lag_seconds", "lag_bytes", "changes_per_second", "updated"}
        progress = [line for line in err.read_text().splitlines() if line.startswith("  cdc: ")]
        assert any(" 1 apply exceptions, " in line and "changes/s over the last " in line for line in progress)
        assert all("binlog bytes" in line and "; lag " in line for line in progress)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=seconds(15))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=seconds(5))
            raise
    assert process.returncode == 130, err.read_text()
    assert out.read_text().endswith("\n")  # whole lines only
