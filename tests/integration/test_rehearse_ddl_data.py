"""``rehearse --ddl FILE`` whose FILE holds INSERTs too (a mysqldump without --no-data): its rows are the
data, said so, and no synthetic rows go on top unless ``--rows`` asks for them."""

from __future__ import annotations

from pathlib import Path

import pytest

from dms_dynamodb.cli import main
from tests.conftest import SHOP_DDL, stack_file

ROWS = (
    "INSERT INTO customer VALUES (1, 'ada@example.com', 'Ada', 'GB', b'1', 1, '2024-08-01 09:30:00.125'),"
    " (2, 'bo@example.com', 'Bo', 'SE', b'0', 0, '2024-08-01 09:31:00');\n"
    "INSERT INTO product VALUES (1, 'SKU-1', 'Tea', NULL, 2.50, 'eco', NULL, b'0');\n"
)


def test_a_ddl_file_with_data_is_rehearsed_with_its_own_rows_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ddl = tmp_path / "dump.sql"
    ddl.write_text(SHOP_DDL.read_text() + ROWS)
    assert main(["rehearse", "--stack", str(stack_file("shop")), "--ddl", str(ddl), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"the data {ddl} holds (2 INSERT statements), no synthetic rows (ask for them with --rows N)" in out
    assert "verify: expected 3 items, found 3" in out  # two customers and one product: nothing synthetic on top
    assert "WCU on the target table" in out  # a rehearsal loads: its capacity line stays


def test_rows_asked_for_go_on_top_of_the_ddl_files_data_and_it_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ddl = tmp_path / "dump.sql"
    ddl.write_text(SHOP_DDL.read_text() + ROWS)
    main(["rehearse", "--stack", str(stack_file("shop")), "--ddl", str(ddl), "--rows", "5", "--quiet"])
    out = capsys.readouterr().out
    assert f"{ddl} holds data too (2 INSERT statements): 5 synthetic rows per table go on top (--rows)" in out
