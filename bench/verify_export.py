"""``verify`` three ways on one table, in one run: live (Scan), ``--export --engine local``, ``--engine spark``.

    python bench/verify_export.py [--rows 1000000] [--masters 'local[*]' 'local[1]' 'local[2]']

A throwaway MariaDB (over TCP, for JDBC) holds one table of ``--rows`` rows, loaded into dynalite by
the tool's full load, then exported (``dms-dynamodb export``'s writer). Each verify compares the whole
table; each must be clean. Prints items/s of each and the peak resident memory of the process tree it
ran in (this process, its worker processes, Spark's JVM and Python workers), above the tree's memory
before it started, and the CPU time each took per item: of that tree (split into Python and the
JVM for Spark) and of the servers it read (MariaDB; dynalite for the live verify). Other jobs share the
machine, so CPU per item compares runs where wall-clock cannot. Spark runs once per master (the first is the engines' comparison; the others show
how it scales with executor cores); its session start (the JVM) is timed apart.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.verify import _measured as measured
from bench.verify import _stack, events_table
from dms_dynamodb.dynamodb.client import client, create_table
from dms_dynamodb.export.layout import pages, read_export
from dms_dynamodb.export.writer import write_export
from dms_dynamodb.load import full_load
from dms_dynamodb.plan import make_plan
from dms_dynamodb.rehearsal.servers import Dynalite, MariaDB
from dms_dynamodb.source.connection import connect
from dms_dynamodb.verify.full import Result, verify

PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (from /proc)."""
    total = 0
    for pid in _tree(root):
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


TICK = os.sysconf("SC_CLK_TCK")


def _tree(root: int) -> set[int]:
    """``root`` and all its descendants (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, grown = {root}, True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return tree


def _cpu(pids: set[int] | list[int], *, java: bool | None = None) -> float:
    """CPU seconds of ``pids`` and of their children that exited (``cutime``); ``java``: only the JVM's
    (True) or only the others (False)."""
    total = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        is_java = text.split("(", 1)[1].split(")", 1)[0] == "java"
        if java is not None and is_java != java:
            continue
        fields = text.rsplit(")", 1)[1].split()
        total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return total / TICK


def _per_item(seconds: float, items: int) -> str:
    """CPU seconds over items, in microseconds an item."""
    return f"{seconds * 1e6 / max(items, 1):.0f}"


def _measured(run: Any) -> tuple[Any, float, int]:
    """Result, seconds, and the peak growth of this process tree's resident memory (sampled every 50 ms)."""
    return measured(run, rss=lambda: _tree_rss(os.getpid()), every=0.05)


def _line(name: str, result: Result, seconds: float, peak: int) -> float:
    assert result.clean, result.render()
    rate = result.actual / seconds
    print(
        f"{name}: {result.actual} items in {seconds:.1f} s = {rate:,.0f} items/s, peak memory +{peak / 2**20:,.0f} MiB"
    )
    return rate


def _spark_child(master: str, url: str, folder: str) -> None:
    """One master in a process of its own (one Spark session a process): its session start and its verify."""
    from dms_dynamodb.verify.spark.engine import verify_spark
    from dms_dynamodb.verify.spark.session import spark_session

    stack = _stack()
    plan = make_plan(stack, stack.task(None), connect(url))
    export = read_export(Path(folder))
    session, start_seconds, _ = _measured(lambda: spark_session(master))
    print(f"spark session {master}: started in {start_seconds:.1f} s")
    me = os.getpid()
    python, jvm = _cpu(_tree(me), java=False), _cpu(_tree(me), java=True)
    result, seconds, peak = _measured(lambda: verify_spark(session, url, plan, {"bench-events": export}))
    python, jvm = _cpu(_tree(me), java=False) - python, _cpu(_tree(me), java=True) - jvm
    rate = _line(f"verify --export --engine spark ({master})", result, seconds, peak)
    items = result.actual
    print(f"  CPU us per item: Python {_per_item(python, items)}, JVM {_per_item(jvm, items)}")
    print(f"spark rate {rate:.0f}")
    session.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--masters", nargs="+", default=["local[*]", "local[1]", "local[2]"])
    parser.add_argument("--spark-child", nargs=3, metavar=("MASTER", "URL", "EXPORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.spark_child:
        _spark_child(*args.spark_child)
        return
    with tempfile.TemporaryDirectory() as directory:
        mariadb, dynalite = MariaDB.start(Path(directory) / "mariadb", tcp=True), Dynalite.start()
        try:
            events_table(mariadb, args.rows)
            url = mariadb.tcp_url("bench")
            stack = _stack()
            plan = make_plan(stack, stack.task(None), connect(url))
            ddb = client(dynalite.endpoint_url)
            create_table(ddb, stack.tables["bench-events"])
            started = time.perf_counter()
            full_load(url, ddb, plan, threads=8)
            print(
                f"loaded {args.rows} rows in {time.perf_counter() - started:.1f} s; {os.cpu_count()} cores", flush=True
            )
            folder, _ = write_export(ddb, "bench-events", Path(directory) / "exports")
            export = read_export(folder)
            servers = {"MariaDB": [mariadb.process.pid], "dynalite": [dynalite.process.pid]}

            def costed(name: str, run: Any) -> float:
                """The run's line, then its CPU per 1,000 items: this process tree's and each server's."""
                own = _tree(os.getpid()) - {p for pids in servers.values() for p in pids}
                before = {"this process tree": _cpu(own), **{k: _cpu(v) for k, v in servers.items()}}
                result, seconds, peak = _measured(run)
                own = _tree(os.getpid()) - {p for pids in servers.values() for p in pids}
                after = {"this process tree": _cpu(own), **{k: _cpu(v) for k, v in servers.items()}}
                rate = _line(name, result, seconds, peak)
                costs = ", ".join(f"{k} {_per_item(after[k] - before[k], result.actual)}" for k in before)
                print(f"  CPU us per item: {costs}", flush=True)
                return rate

            live = costed("live verify (Scan, 4 segments)", lambda: verify(url, ddb, plan, segments=4))
            local = costed(
                "verify --export --engine local", lambda: verify(url, ddb, plan, target_pages=lambda _: pages(export))
            )
            print(f"ratio local / live: {local / live:.2f}", flush=True)
            for master in args.masters:
                child = [sys.executable, __file__, "--spark-child", master, url, str(folder)]
                database = _cpu(servers["MariaDB"])
                done = subprocess.run(
                    child, capture_output=True, text=True, check=False, cwd=Path(__file__).parent.parent
                )
                database = _cpu(servers["MariaDB"]) - database
                lines = [line for line in done.stdout.splitlines() if not line.startswith("spark rate")]
                print("\n".join(lines) if done.returncode == 0 else f"spark {master} failed: {done.stderr[-2000:]}")
                print(f"  MariaDB CPU us per item (session start included): {_per_item(database, args.rows)}")
                rate = next((float(x.split()[-1]) for x in done.stdout.splitlines() if x.startswith("spark rate")), 0.0)
                print(f"ratio spark ({master}) / live verify: {rate / live:.2f}", flush=True)
        finally:
            dynalite.stop()
            mariadb.stop()


if __name__ == "__main__":
    main()
