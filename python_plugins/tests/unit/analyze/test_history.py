"""History in DuckDB: trends (p50/p95), flaky nodes, regressions against the baseline."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline_kit.analyze import analyze_run, load_run
from pipeline_kit.analyze.engine import Analysis
from pipeline_kit.analyze.history import HistoryStore

from .artifact_builder import Node, write_artifacts

P = "model.shop."


def _run(tmp_path: Path, index: int, a_seconds: float, a_status: str = "success") -> Analysis:
    nodes = [
        Node("a", 0.0, a_seconds, status=a_status),
        Node("b", a_seconds, a_seconds + 1.0, depends_on=("a",)),
    ]
    target = write_artifacts(
        tmp_path / f"run{index}",
        nodes,
        invocation_id=f"inv-{index}",
        generated_at=f"2024-01-0{index}T00:00:00Z",
    )
    return analyze_run(load_run(target))


def test_trends_are_p50_and_p95_over_the_window(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.duckdb") as store:
        for index, seconds in enumerate([100.0, 4.0, 6.0, 8.0], start=1):
            assert store.record(_run(tmp_path, index, seconds), "shop")
        trends = store.trends("shop", window=3)  # the 100 s run is outside the window
    assert trends[P + "a"].runs == 3
    assert trends[P + "a"].p50_s == pytest.approx(6.0)
    assert trends[P + "a"].p95_s == pytest.approx(7.8)  # linear interpolation between 6 and 8
    assert trends[P + "b"].p95_s == pytest.approx(1.0)


def test_recording_the_same_run_twice_keeps_one(tmp_path: Path) -> None:
    analysis = _run(tmp_path, 1, 2.0)
    with HistoryStore(tmp_path / "h.duckdb") as store:
        assert store.record(analysis, "shop") is True
        assert store.record(analysis, "shop") is False
        assert store.run_count("shop") == 1
        assert store.trends("shop", 10)[P + "a"].runs == 1


def test_history_persists_across_connections(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "h.duckdb"
    with HistoryStore(path) as store:
        store.record(_run(tmp_path, 1, 2.0), "shop")
    with HistoryStore(path) as store:
        store.record(_run(tmp_path, 2, 3.0), "shop")
        assert store.run_count("shop") == 2
        assert store.run_count("other_project") == 0


def test_flaky_nodes_both_passed_and_failed(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.duckdb") as store:
        store.record(_run(tmp_path, 1, 2.0), "shop")
        store.record(_run(tmp_path, 2, 2.0, a_status="error"), "shop")
        store.record(_run(tmp_path, 3, 2.0), "shop")
        trends = store.trends("shop", 10)
    assert trends[P + "a"].flaky is True
    assert (trends[P + "a"].passed, trends[P + "a"].failed) == (2, 1)
    assert trends[P + "b"].flaky is False


def test_regressions_compare_with_the_median_of_earlier_runs(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.duckdb") as store:
        for index, seconds in enumerate([4.0, 4.0, 5.0], start=1):
            store.record(_run(tmp_path, index, seconds), "shop")
        current = _run(tmp_path, 4, 10.0)
        store.record(current, "shop")
        found = store.regressions(current, "shop", window=10, min_pct=20.0, min_seconds=1.0)
    by_node = {r.unique_id: r for r in found}
    assert set(by_node) == {P + "a", "(wall time)"}  # b stayed at 1 s
    assert by_node[P + "a"].baseline_s == pytest.approx(4.0)
    assert by_node[P + "a"].change_pct == pytest.approx(150.0)
    assert by_node["(wall time)"].baseline_s == pytest.approx(5.0)  # median of 5, 5, 6
    assert by_node["(wall time)"].current_s == pytest.approx(11.0)


def test_small_slowdowns_are_not_regressions(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.duckdb") as store:
        store.record(_run(tmp_path, 1, 1.0), "shop")
        current = _run(tmp_path, 2, 1.5)  # +50% but only 0.5 s
        assert store.regressions(current, "shop", window=10, min_pct=20.0, min_seconds=1.0) == []


def test_a_failed_node_load_records_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run row and its node rows go in together: after a failure between them, the same run
    is recorded in full on the next try (before, the run row stayed, and the retry skipped the run
    as already recorded, its nodes missing)."""
    analysis = _run(tmp_path, 1, 2.0)
    with HistoryStore(tmp_path / "h.duckdb") as store:

        def fail(*_args: object, **_kwargs: object) -> None:
            raise OSError("disk full")

        monkeypatch.setattr("pipeline_kit.analyze.history.tempfile.TemporaryDirectory", fail)
        with pytest.raises(OSError, match="disk full"):
            store.record(analysis, "shop")
        assert store.run_count("shop") == 0
        monkeypatch.undo()
        assert store.record(analysis, "shop") is True
        assert store.trends("shop", 10)[P + "a"].runs == 1
