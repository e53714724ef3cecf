"""Randomized, bounded and seeded: interleaved workloads with the follower stopped and resumed at random
points. After each run either a full verify is clean, or the follower / ``verify --since`` refused
naming the cause; never both clean and a difference.

Half the seeds write only what the follower applies (savepoints, XA commit and rollback, new tables,
plain changes); the other half add what it must refuse or report (statement-mode sessions, NOBLOB
images, truncates, cascades, key changes).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dms_dynamodb.cdc.checkpoint import Checkpoint
from dms_dynamodb.cdc.follower import CdcRefused
from dms_dynamodb.verify.incremental import verify_since
from tests.integration.binlog_world import World, world

#: What each hazard must be named by: the follower's refusal or apply exception, or verify --since's finding.
NAMED_BY = {
    "statement": "DML in statement form",
    "noblob": "partial row image",
    "truncate": "TRUNCATE",
    "cascade": "fk_child_parent",
    "key change": "base-table key column(s) id",
}


@dataclass
class Workload:
    """The source as the workload left it (to pick rows to change), and what it wrote that is a hazard."""

    rng: random.Random
    hazards: bool
    parents: dict[int, list[int]] = field(
        default_factory=lambda: {p: [c for c in range(1, 7) if (c + 1) // 2 == p] for p in range(1, 6)}
    )
    children: dict[int, int] = field(default_factory=lambda: {c: (c + 1) // 2 for c in range(1, 7)})
    pending_xa: list[tuple[str, int]] = field(default_factory=list)
    next_id: int = 100
    tables: int = 0
    written: list[str] = field(default_factory=list)

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def free_parents(self) -> list[int]:
        locked = {i for _, i in self.pending_xa}
        return sorted(p for p in self.parents if p not in locked)

    def step(self, w: World) -> None:
        kinds = ["insert", "update", "child", "savepoint", "xa", "resolve", "new table", "delete"]
        if self.hazards:
            kinds += ["statement", "noblob", "truncate", "cascade", "key change"]
        kind = self.rng.choice(kinds)
        free = self.free_parents()
        if kind == "insert" or not free:
            p = self.new_id()
            w.sql(f"INSERT INTO parent VALUES ({p}, 'n{p}', 'note')")
            self.parents[p] = []
        elif kind == "update":
            w.sql(f"UPDATE parent SET name = 'u{self.rng.randint(0, 999)}' WHERE id = {self.rng.choice(free)}")
        elif kind == "child":
            c = self.new_id()
            p = self.rng.choice(free)
            w.sql(f"INSERT INTO child VALUES ({c}, {p}, 'c')")
            self.parents[p].append(c)
            self.children[c] = p
        elif kind == "savepoint":
            a, b = self.new_id(), self.new_id()
            w.sql(
                "BEGIN",
                f"INSERT INTO parent VALUES ({a}, 'kept', NULL)",
                "SAVEPOINT s",
                f"INSERT INTO parent VALUES ({b}, 'gone', NULL)",
                "ROLLBACK TO SAVEPOINT s",
                f"UPDATE parent SET note = 'after' WHERE id = {a}",
                "COMMIT",
            )
            self.parents[a] = []
        elif kind == "xa":
            p, name = self.new_id(), f"x{self.next_id}"
            w.sql(
                f"XA START '{name}'",
                f"INSERT INTO parent VALUES ({p}, 'xa', NULL)",
                f"XA END '{name}'",
                f"XA PREPARE '{name}'",
            )
            self.pending_xa.append((name, p))
        elif kind == "resolve":
            if self.pending_xa:
                self.resolve(w, self.pending_xa.pop(self.rng.randrange(len(self.pending_xa))))
        elif kind == "new table":
            self.tables += 1
            w.sql(
                f"CREATE TABLE new_{self.tables} (id INT PRIMARY KEY, v VARCHAR(10))",
                f"INSERT INTO new_{self.tables} VALUES ({self.new_id()}, 'a')",
            )
        elif kind == "delete":  # a child: deleting a parent acts through the cascade (a hazard)
            if self.children:
                c = self.rng.choice(sorted(self.children))
                w.sql(f"DELETE FROM child WHERE id = {c}")
                self.parents[self.children.pop(c)].remove(c)
        else:
            self.hazard(w, kind, free)

    def resolve(self, w: World, pending: tuple[str, int]) -> None:
        name, p = pending
        if self.rng.random() < 0.5:
            w.sql(f"XA COMMIT '{name}'")
            self.parents[p] = []
        else:
            w.sql(f"XA ROLLBACK '{name}'")

    def hazard(self, w: World, kind: str, free: list[int]) -> None:
        p = self.rng.choice(free)
        if kind == "statement":
            w.sql("SET SESSION binlog_format = 'STATEMENT'", f"UPDATE parent SET name = 'st' WHERE id = {p}")
        elif kind == "noblob":
            w.sql("SET SESSION binlog_row_image = 'NOBLOB'", f"UPDATE parent SET name = 'nb' WHERE id = {p}")
        elif kind == "truncate":
            w.sql("TRUNCATE TABLE child")
            self.children.clear()
            for kids in self.parents.values():
                kids.clear()
        elif kind == "cascade":
            w.sql(f"DELETE FROM parent WHERE id = {p}")
            for c in self.parents.pop(p):
                self.children.pop(c, None)
        elif kind == "key change":
            if self.parents[p]:  # ON UPDATE CASCADE moves its children too: a cascade as well
                self.written.append("cascade")
            q = self.new_id()
            w.sql(f"UPDATE parent SET id = {q} WHERE id = {p}")
            self.parents[q] = self.parents.pop(p)
            self.children.update(dict.fromkeys(self.parents[q], q))
        self.written.append(kind)


@pytest.mark.parametrize("seed", [11, 12, 13, 14])
def test_random_workloads_end_clean_or_refused_naming_the_cause(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    with world(tmp_path) as w:
        start = w.load()
        workload = Workload(rng, hazards=seed % 2 == 1)
        named: list[str] = []
        refused: str | None = None
        early: list[bool] = []  # per run of the follower: stopped before the head (mid-stream, or held by an XA)

        def follow(*, to_the_end: bool = False) -> None:
            """The follower from its checkpoint; told to stop after a random moment (mid-stream), unless to the end."""
            nonlocal refused
            if refused is not None:
                return
            stop = threading.Event()
            timer = threading.Timer(rng.uniform(0.0, 0.15), stop.set)
            if not to_the_end:
                timer.start()
            try:
                stats = w.follow(start, stop=None if to_the_end else stop, flush_seconds=0.05)
            except CdcRefused as exc:
                refused = str(exc)
                return
            finally:
                timer.cancel()
            named.extend(f"{e.STATEMENT} {e.ERROR}" for e in stats.exceptions)
            early.append(stats.position != stats.head)

        for _ in range(24):
            workload.step(w)
            if rng.random() < 0.3:  # stop and resume the follower here (from its checkpoint)
                follow()
        while workload.pending_xa:
            workload.resolve(w, workload.pending_xa.pop())
        follow(to_the_end=True)
        if refused is None:  # the last run went to the head (nothing held: every XA was resolved)
            assert early and not early[-1], early
        full = w.verify()
        since, _ = verify_since(w.url, w.ddb, w.plan(), start)
        said = " ".join([refused or "", *named, *(r.get("why", "") for r in since.examples.get("NOT_COMPARABLE", []))])
        if not workload.written:
            assert refused is None and not named, (refused, named)
            assert full.clean and since.clean, (full.render(), since.render())
        else:
            assert refused is not None or named, workload.written
            assert any(NAMED_BY[h] in said for h in workload.written), (workload.written, said[:2000])
        # Never both clean and a difference.
        assert not (since.clean and not full.clean), (since.render(), full.render())
        assert full.clean or refused is not None or named, full.render()
        if refused is None and not named:
            assert full.clean


def test_the_follower_resumes_from_a_checkpoint_held_by_a_prepared_xa(tmp_path: Path) -> None:
    with world(tmp_path) as w:
        start = w.load()
        w.sql("XA START 'h'", "INSERT INTO parent VALUES (50, 'held', NULL)", "XA END 'h'", "XA PREPARE 'h'")
        for i in range(3):
            w.sql(f"INSERT INTO parent VALUES ({60 + i}, 'after', NULL)")
        stats = w.follow(start)
        assert stats.held is not None and Checkpoint.load(w.directory / "cdc.json") == stats.held
        w.sql("XA COMMIT 'h'")
        w.follow(start)
        assert w.item("PARENT#50") is not None and w.verify().clean
