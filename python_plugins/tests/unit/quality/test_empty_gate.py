"""`--threshold` when nothing was evaluated: every score is n/a, and a gate that passes then checks
nothing. It fails (exit 1, "nothing was evaluated") unless `--allow-empty` says an empty run is
expected; a model or dimension without rows beside others with rows stays n/a, not gated, and is
named in a note. Before, a run whose tests read 0 rows passed `--threshold 0.99` with exit 0."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline_kit.cli import main

from .test_scored_tests import _write

EMPTY_ORDERS = "test.p.not_null_orders_id_where"  # reads "wh"."main"."orders", empty here
CUSTOMERS = "test.p.source_accepted_values_raw_customers_segment"  # reads raw.customers, 6 rows


def _warehouse(path: Path) -> Path:
    connection = duckdb.connect(str(path))
    connection.execute("create table orders as select range as id from range(0)")
    connection.execute("create schema raw")
    connection.execute("create table raw.customers as select range as id, 'a' as segment from range(6)")
    connection.close()
    return path


def _quality(tmp_path: Path, tests: list[str], *args: str) -> int:
    target = _write(tmp_path / "target", dict.fromkeys(tests, ("pass", 0)))
    warehouse = _warehouse(tmp_path / "wh.duckdb")
    return main(["quality", "--target-dir", str(target), "--duckdb", str(warehouse), *args])


def test_a_run_that_evaluated_no_rows_fails_the_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _quality(tmp_path, [EMPTY_ORDERS], "--threshold", "0.99") == 1
    captured = capsys.readouterr()
    assert "nothing was evaluated: the run's 1 scored rule(s) read 0 rows" in captured.err
    assert "overall" in captured.out and "n/a" in captured.out


def test_allow_empty_lets_it_pass_and_no_threshold_no_gate(tmp_path: Path) -> None:
    assert _quality(tmp_path, [EMPTY_ORDERS], "--threshold", "0.99", "--allow-empty") == 0
    assert _quality(tmp_path / "again", [EMPTY_ORDERS]) == 0


def test_a_run_without_scored_tests_fails_the_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = _write(tmp_path / "target", {})
    assert main(["quality", "--target-dir", str(target), "--threshold", "0.5"]) == 1
    assert "nothing was evaluated: the run has no scored tests" in capsys.readouterr().err
    assert main(["quality", "--target-dir", str(target), "--threshold", "0.5", "--allow-empty"]) == 0


def test_an_empty_model_beside_evaluated_rows_is_na_and_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """orders has no rows, customers 6 passing ones: the gate is on the scores that exist."""
    assert _quality(tmp_path, [EMPTY_ORDERS, CUSTOMERS], "--threshold", "0.99") == 0
    note = "no rows evaluated, score n/a (not gated by --threshold): dimension completeness, model orders"
    assert note in capsys.readouterr().out
    assert f"> {note}" in (tmp_path / "target" / "quality" / "quality.md").read_text()
