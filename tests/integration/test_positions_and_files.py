"""Binlog positions no run can read from, and checkpoint files behind symlinks (issue 27, items 12 and 13).

Real servers: the module's MariaDB with the shop schema (``live_shop``) and a dynalite per test.
Expected outcomes from the issue: a purged, future or mid-event position is a usage error (exit 2)
naming the binlogs the server keeps (SHOW BINARY LOGS) and what starts over; a typo in ``--start``
is never saved, so the corrected one is honoured; positions are range-checked when parsed. No
checkpoint file, lock or temporary file is written through a symlink, and one checkpoint reached by
two names still has one lock.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.cdc.checkpoint import Checkpoint, binlog_head
from dms_dynamodb.cli import main
from dms_dynamodb.rehearsal.synthetic import Generator
from dms_dynamodb.source.connection import connect
from tests.conftest import stack_file
from tests.integration.live import Follower, loaded_shop

STACK = stack_file("shop")


def _cdc(url: str, ddb: Any, checkpoint: Path, *extra: str) -> int:
    return main(["cdc", "--stack", str(STACK), "--mysql-url", url, "--endpoint-url", ddb.meta.endpoint_url,
                 "--checkpoint", str(checkpoint), "--until-caught-up", *extra])  # fmt: skip


def _binary_logs(url: str) -> list[tuple[str, int]]:
    with connect(url).cursor() as cursor:
        cursor.execute("SHOW BINARY LOGS")
        return [(str(name), int(size)) for name, size, *_ in cursor.fetchall()]


def _event_starts(url: str, name: str) -> list[int]:
    with connect(url).cursor() as cursor:
        cursor.execute("SHOW BINLOG EVENTS IN %s", (name,))
        return [int(row[1]) for row in cursor.fetchall()]


def test_a_typo_in_start_is_refused_unsaved_and_the_corrected_start_is_honoured(
    live_shop: tuple[str, Generator], target: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = live_shop
    _, start = loaded_shop(url, target)
    starts = _event_starts(url, start.log_file)
    typo = next(p for p in range(start.log_pos - 1, 4, -1) if p not in starts)  # inside an event
    checkpoint = tmp_path / "cdc.json"
    assert _cdc(url, target, checkpoint, "--start", f"{start.log_file}:{typo}") == 2
    err = capsys.readouterr().err
    (oldest, _), (newest, _) = _binary_logs(url)[0], _binary_logs(url)[-1]
    assert f"--start {start.log_file}:{typo} is not the start of an event" in err
    assert f"The server keeps the binlogs {oldest} to {newest} (its head: {newest}:" in err
    assert "run a full load again" in err
    assert not checkpoint.exists(), "a refused --start must not be saved"
    assert _cdc(url, target, checkpoint, "--start", str(start)) == 0
    assert Checkpoint.load(checkpoint) == binlog_head(connect(url))


@pytest.mark.parametrize(
    ("position", "why"),
    [
        ("{file}:{beyond}", "is beyond the end of {file}"),
        ("binlog.999999:4", "is in a binlog file the server has not written yet (a future position)"),
        ("mysql-bin.000001:4", "names a binlog file of another base name"),
    ],
)
def test_a_future_or_foreign_position_is_a_usage_error_naming_the_servers_binlogs(
    live_shop: tuple[str, Generator],
    target: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    position: str,
    why: str,
) -> None:
    url, _ = live_shop
    (newest, size) = _binary_logs(url)[-1]
    text = position.format(file=newest, beyond=size + 1000)
    assert _cdc(url, target, tmp_path / "cdc.json", "--start", text) == 2
    err = capsys.readouterr().err
    assert f"--start {text} {why.format(file=newest)}" in err and f"to {newest} (its head: {newest}:" in err
    assert not (tmp_path / "cdc.json").exists()
    # verify --since the same position: a usage error too, naming a full verify
    verify = ["verify", "--stack", str(STACK), "--mysql-url", url, "--endpoint-url", target.meta.endpoint_url]
    assert main([*verify, "--since", text]) == 2
    err = capsys.readouterr().err
    assert f"--since {text} {why.format(file=newest)}" in err and "run a full verify" in err


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("binlog.000001:4294967296", "the position is out of range (4 to 4294967295"),
        ("binlog.000001:3", "the position is out of range (4 to 4294967295"),
        ("binlog:4", "'binlog' is not a binlog file name"),
        ("binlog.000001", "is not FILE:POSITION"),
    ],
)
def test_positions_are_range_checked_when_parsed(
    live_shop: tuple[str, Generator],
    target: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    why: str,
) -> None:
    url, _ = live_shop
    assert _cdc(url, target, tmp_path / "cdc.json", "--start", text) == 2
    err = capsys.readouterr().err
    assert why in err and "Traceback" not in err and not (tmp_path / "cdc.json").exists()
    verify = ["verify", "--stack", str(STACK), "--mysql-url", url, "--endpoint-url", target.meta.endpoint_url]
    assert main([*verify, "--since", text]) == 2
    assert why in capsys.readouterr().err


def test_a_checkpoint_symlink_lock_or_temporary_file_is_refused_and_its_target_untouched(
    live_shop: tuple[str, Generator], target: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = live_shop
    _, start = loaded_shop(url, target)
    victim = tmp_path / "precious.txt"
    for planted in ("cdc.json.lock", "cdc.json.tmp", "cdc.json"):
        victim.write_text("keep me")
        checkpoint = tmp_path / "cdc.json"
        for leftover in (checkpoint, tmp_path / "cdc.json.lock", tmp_path / "cdc.json.tmp"):
            if leftover.is_symlink() or leftover.exists():
                leftover.unlink()
        (tmp_path / planted).symlink_to(victim)
        assert _cdc(url, target, checkpoint, "--start", str(start)) == 2, planted
        err = capsys.readouterr().err
        assert f"{tmp_path / planted} is a symlink (to {victim})" in err, err
        assert victim.read_text() == "keep me", f"written through the symlink {planted}"


def test_one_checkpoint_reached_by_two_names_has_one_lock(
    live_shop: tuple[str, Generator], target: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = live_shop
    plan, start = loaded_shop(url, target)
    folder = tmp_path / "state"
    folder.mkdir()
    checkpoint = folder / "cdc.json"
    first = Follower(url, target, plan, checkpoint, start, flush_seconds=0.2)
    try:
        assert _wait(lambda: Checkpoint.load(checkpoint) is not None)
        # a symlink to the checkpoint: refused, naming the link
        link = tmp_path / "other.json"
        link.symlink_to(checkpoint)
        assert _cdc(url, target, link) == 2
        assert f"the checkpoint {link} is a symlink (to {checkpoint})" in capsys.readouterr().err
        # the same file through a symlinked directory: the lock is on the resolved file, so it is held
        (tmp_path / "alias").symlink_to(folder)
        assert _cdc(url, target, tmp_path / "alias" / "cdc.json") == 2
        assert "is in use by another follower (pid " in capsys.readouterr().err
    finally:
        first.finish()


def test_a_purged_checkpoint_is_a_usage_error_naming_the_oldest_binlog(
    live_shop: tuple[str, Generator], target: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Last in the module: it purges the shared server's older binlogs."""
    url, _ = live_shop
    _, start = loaded_shop(url, target)
    checkpoint = tmp_path / "cdc.json"
    start.save(checkpoint)
    with connect(url).cursor() as cursor:
        cursor.execute("FLUSH BINARY LOGS")
        newest = _binary_logs(url)[-1][0]
        cursor.execute(f"PURGE BINARY LOGS TO '{newest}'")
    assert [name for name, _ in _binary_logs(url)] == [newest]
    assert _cdc(url, target, checkpoint) == 2
    err = capsys.readouterr().err
    assert f"the checkpoint {checkpoint} holds {start} is in a binlog the server has purged" in err
    assert f"The server keeps the binlogs {newest} to {newest}" in err and "run a full load again" in err
    assert Checkpoint.load(checkpoint) == start  # left as it was
    # the gate says the same before it waits for anything: no follower can catch up from there
    gate = ["cutover", "--stack", str(STACK), "--mysql-url", url, "--endpoint-url", target.meta.endpoint_url,
            "--checkpoint", str(checkpoint), "--quiet-seconds", "30"]  # fmt: skip
    assert main(gate) == 2
    captured = capsys.readouterr()
    assert f"the checkpoint {checkpoint} holds {start} is in a binlog the server has purged" in captured.err
    assert "PASS" not in captured.out and "FAIL" not in captured.out


def _wait(condition: Any, seconds: float = 10) -> bool:
    from tests.integration.live import wait_for

    return wait_for(condition, seconds) != float("inf")
