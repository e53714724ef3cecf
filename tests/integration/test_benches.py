"""The benches run as the README says (`python bench/NAME.py`), from the checkout, at a small size."""

from __future__ import annotations

import re
import subprocess
import sys

from tests import timing
from tests.conftest import ROOT
from tests.timing import seconds


def test_bench_verify_runs_as_the_readme_says() -> None:
    result = subprocess.run(
        [sys.executable, "bench/verify.py", "--rows", "2000"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timing.seconds(300),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.search(r"verify \(4 segments.*\): 2000 items in", result.stdout), result.stdout
    assert re.search(r"ratio verify / plain scan: \d+\.\d\d", result.stdout), result.stdout


def test_bench_live_verify_runs_as_the_readme_says() -> None:
    result = subprocess.run(
        [sys.executable, "bench/live_verify.py", "--rows", "2000", "--changes", "100", "--settle", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timing.seconds(300),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.search(r"2,000 rows .* verify --since \(100 changed rows\): \d+\.\d\d s", result.stdout), result.stdout


def test_bench_resync_runs_as_the_readme_says() -> None:
    result = subprocess.run(
        [sys.executable, "bench/resync.py", "--rows", "2000", "--findings", "50"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=seconds(300),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.search(r"2,000 rows, 50 findings: .* resync --report \d+\.\d s", result.stdout), result.stdout
