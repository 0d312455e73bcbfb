"""The benchmark runner's RESULT lines: format and ratio = ours / baseline."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))

from common import BenchResult, print_results


def test_result_lines_end_with_the_aggregate(capsys: pytest.CaptureFixture[str]) -> None:
    print_results(
        "demo",
        [
            BenchResult("duckdb", ours_s=1.0, baseline_s=4.0, baseline_name="x"),
            BenchResult("postgres", ours_s=3.0, baseline_s=4.0, baseline_name="x", extra={"rows": "10"}),
        ],
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-3] == "RESULT demo[duckdb] ours_s=1.0000 baseline_s=4.0000 ratio=0.2500"
    assert lines[-2] == "RESULT demo[postgres] ours_s=3.0000 baseline_s=4.0000 ratio=0.7500 rows=10"
    assert lines[-1] == "RESULT demo ours_s=4.0000 baseline_s=8.0000 ratio=0.5000"
