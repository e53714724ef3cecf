"""Synthesis time and memory: the plain provider import against the project's loader.

    python bench/synth.py            # Sakila stack, plain vs project path, 5 fresh processes each
    python bench/synth.py --scale    # project path with 10, 100 and 1,000 replication tasks

Wall time is from process start to exit; peak memory is the largest sum of RSS over the process
tree (Python and its node child) sampled every 20 ms from /proc. One untimed run of each path
first, so that neither pays for filling jsii's package cache (or building the trimmed assembly).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = Path(__file__).with_name("synth_child.py")


def _tree_rss_kb(root_pid: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid, ppid = int(entry.name), int(fields.get("PPid", "0").strip())
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run(mode: str, tasks: int = 1) -> tuple[float, float]:
    """(seconds, peak MB) of one synthesis in a fresh process."""
    env = {**os.environ, "DMS_CDKTF_PROVIDER_IMPORT": mode}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), "--tasks", str(tasks)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        detail = proc.stderr.read().decode()[-2000:] if proc.stderr else ""
        raise SystemExit(f"synthesis failed ({mode}, {tasks} tasks): {detail}")
    return elapsed, peak / 1024


def compare(runs: int) -> None:
    results: dict[str, list[tuple[float, float]]] = {"plain": [], "lazy": []}
    for mode in results:  # untimed: builds the trimmed assembly if needed, fills jsii's package cache
        run(mode)
    for _ in range(runs):  # interleaved, so both paths see the same machine conditions
        for mode in results:
            results[mode].append(run(mode))
    medians, peak_medians = {}, {}
    for mode, samples in results.items():
        times = [t for t, _ in samples]
        peaks = [m for _, m in samples]
        medians[mode], peak_medians[mode] = statistics.median(times), statistics.median(peaks)
        label = "plain provider import" if mode == "plain" else "project loader (lazy)"
        print(
            f"{label:24} median {medians[mode]:6.2f} s  min {min(times):6.2f} s  max {max(times):6.2f} s  "
            f"peak RSS median {statistics.median(peaks):6.0f} MB (max {max(peaks):.0f} MB)"
        )
    print(
        f"ratio project/plain: wall time {medians['lazy'] / medians['plain']:.3f}, "
        f"peak RSS {peak_medians['lazy'] / peak_medians['plain']:.3f}"
    )


def scale() -> None:
    for tasks in (10, 100, 1000):
        seconds, peak = run("lazy", tasks)
        print(f"{tasks:5} tasks: {seconds:6.2f} s, peak RSS {peak:6.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", action="store_true", help="grow the number of replication tasks instead")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"node: {os.environ.get('JSII_NODE', 'node (PATH)')}")
    scale() if args.scale else compare(args.runs)


if __name__ == "__main__":
    main()
