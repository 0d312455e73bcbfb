"""History in DuckDB: trends (p50/p95), flaky nodes, regressions against the baseline."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from pipeline_kit.analyze import analyze_run, load_run
from pipeline_kit.analyze.engine import Analysis
from pipeline_kit.analyze.history import HistoryStore
from pipeline_kit.errors import InputFileError

from .artifact_builder import Node, write_artifacts

P = "model.shop."


def _run(
    tmp_path: Path, index: int, a_seconds: float, a_status: str = "success", command: str = "build"
) -> Analysis:
    nodes = [
        Node("a", 0.0, a_seconds, status=a_status),
        Node("b", a_seconds, a_seconds + 1.0, depends_on=("a",)),
    ]
    target = write_artifacts(
        tmp_path / f"run{index}",
        nodes,
        invocation_id=f"inv-{index}",
        generated_at=f"2024-01-0{index}T00:00:00Z",
        extra_args={"which": command},
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


def test_regressions_compare_only_with_runs_of_the_same_command(tmp_path: Path) -> None:
    """seed -> test -> run -> build in one history file gave the build a wall_regression_pct of
    hundreds of percent: its baseline was the median of the quick seed and test runs."""
    with HistoryStore(tmp_path / "h.duckdb") as store:
        store.record(_run(tmp_path, 1, 1.0, command="seed"), "shop")
        store.record(_run(tmp_path, 2, 1.0, command="test"), "shop")
        first_build = _run(tmp_path, 3, 9.0)
        store.record(first_build, "shop")
        assert store.regressions(first_build, "shop", window=10, min_pct=20.0, min_seconds=1.0) == []
        assert (
            store.run_count("shop"),
            store.run_count("shop", "build"),
            store.run_count("shop", "seed"),
        ) == (
            3,
            1,
            1,
        )
        second_build = _run(tmp_path, 4, 12.0)
        store.record(second_build, "shop")
        found = store.regressions(second_build, "shop", window=10, min_pct=20.0, min_seconds=1.0)
        assert {r.unique_id: r.baseline_s for r in found} == {P + "a": 9.0, "(wall time)": 10.0}
        assert store.trends("shop", 10)[P + "a"].runs == 4  # trends still span every command


OLD_SCHEMA = """
create table runs (
    invocation_id varchar primary key, project varchar, generated_at timestamptz,
    analyzed_at timestamptz, dbt_version varchar, threads integer, wall_s double,
    critical_path_s double, utilization double, cost_per_run double, cost_basis varchar,
    node_count integer, failed_count integer
);
create table node_runs (
    invocation_id varchar, unique_id varchar, resource_type varchar, materialized varchar,
    status varchar, execution_s double, cost double
);
insert into runs values ('old-seed', 'shop', '2023-12-31', '2023-12-31', '1.10.0', 2, 0.5, 0.5, 1,
                         0, 'none', 1, 0);
insert into node_runs values ('old-seed', 'model.shop.a', 'model', 'table', 'success', 0.5, null);
insert into runs values ('inv-2', 'shop', '2024-01-02', '2024-01-02', '1.10.0', 2, 9.0, 9.0, 1,
                         0, 'none', 2, 0);
"""


def test_a_history_file_from_before_commands_were_stored_is_read_and_extended(tmp_path: Path) -> None:
    path = tmp_path / "h.duckdb"
    with duckdb.connect(str(path)) as db:
        db.execute(OLD_SCHEMA)
    with HistoryStore(path) as store:
        current = _run(tmp_path, 1, 8.0)
        assert store.record(current, "shop")
        assert store.run_count("shop") == 3
        # the old runs' commands are unknown: they are no baseline for a build
        assert store.run_count("shop", "build") == 1
        assert store.regressions(current, "shop", window=10, min_pct=20.0, min_seconds=1.0) == []
        assert store.trends("shop", 10)[P + "a"].runs == 2
        # analyzing an old run again records its command
        assert store.record(_run(tmp_path, 2, 8.0), "shop") is False
        assert store.run_count("shop", "build") == 2
    with duckdb.connect(str(path)) as db:
        # `runs` keeps its columns, so earlier pipeline-kit versions can still write the file
        assert len(db.execute("select * from runs limit 1").description) == 13


def test_baselines_are_only_runs_before_the_analyzed_one(tmp_path: Path) -> None:
    """Re-analyzing an older run compared it with the runs that came after it: a 10 s run from
    before an optimisation was flagged +150% against the 4 s runs of the days after."""
    with HistoryStore(tmp_path / "h.duckdb") as store:
        old_slow = _run(tmp_path, 1, 10.0)
        for analysis in (old_slow, _run(tmp_path, 2, 4.0), _run(tmp_path, 3, 4.0)):
            store.record(analysis, "shop")
        assert store.regressions(old_slow, "shop", window=10, min_pct=20.0, min_seconds=1.0) == []
        assert store.baseline_count(old_slow, "shop", window=10) == 0
        third = _run(tmp_path, 3, 12.0)  # the same invocation as run 3: its baseline is runs 1 and 2
        found = store.regressions(third, "shop", window=10, min_pct=20.0, min_seconds=1.0)
        assert {r.unique_id: r.baseline_s for r in found} == {P + "a": 7.0, "(wall time)": 8.0}
        assert store.baseline_count(third, "shop", window=10) == 2


def test_trends_of_a_reanalysed_run_leave_out_the_runs_after_it(tmp_path: Path) -> None:
    """Re-analysing an older run described it with the runs after it: its node trends (p50, pass
    and fail counts, what the rebuild advice reads) came from later days."""
    with HistoryStore(tmp_path / "h.duckdb") as store:
        runs = [
            _run(tmp_path, index, seconds) for index, seconds in enumerate([2.0, 4.0, 30.0, 40.0], start=1)
        ]
        for analysis in runs:
            store.record(analysis, "shop")
        second = runs[1].run.run_results.generated_at
        until_second = store.trends("shop", window=10, until=second)
        assert until_second[P + "a"].runs == 2
        assert until_second[P + "a"].p50_s == pytest.approx(3.0)
        # without a bound (the newest run analysed): all four
        assert store.trends("shop", window=10)[P + "a"].runs == 4


def test_partial_success_is_a_failure(tmp_path: Path) -> None:
    """A microbatch model with some failed batches ends in "partial success" (dbt exits 1): it was
    counted neither as passed nor as failed, so it was never flaky and `failed_count` was 0."""
    path = tmp_path / "h.duckdb"
    with HistoryStore(path) as store:
        store.record(_run(tmp_path, 1, 2.0), "shop")
        store.record(_run(tmp_path, 2, 2.0, a_status="partial success"), "shop")
        trends = store.trends("shop", 10)
    with duckdb.connect(str(path)) as db:
        failed_count = db.execute("select failed_count from runs where invocation_id = 'inv-2'").fetchone()
    assert (trends[P + "a"].passed, trends[P + "a"].failed, trends[P + "a"].flaky) == (1, 1, True)
    assert failed_count == (1,)


@pytest.mark.parametrize(
    ("ddl", "problem"),
    [
        (
            "create table runs (id integer, started timestamp)",
            "table runs has columns (id, started), expected",
        ),
        (
            "create table node_runs (invocation_id varchar)",
            "table node_runs has columns (invocation_id), expected",
        ),
    ],
)
def test_an_incompatible_history_file_is_an_input_error(tmp_path: Path, ddl: str, problem: str) -> None:
    """A DuckDB file whose `runs` table is someone else's: opened without complaint, then every
    query failed with a DuckDB traceback (exit 1, as if a gate had failed)."""
    path = tmp_path / "h.duckdb"
    with duckdb.connect(str(path)) as db:
        db.execute(ddl)
    with pytest.raises(InputFileError) as error:
        HistoryStore(path)
    message = str(error.value)
    assert message.startswith(
        f"{path}: not a pipeline-kit history file (or one from an incompatible version): "
    )
    assert problem in message
    assert "\n" not in message


def test_a_database_error_while_recording_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "h.duckdb"
    with HistoryStore(path) as store:
        # the file is changed under us (another tool, a concurrent migration): no DuckDB traceback
        store._db.execute("drop table node_runs")
        with pytest.raises(
            InputFileError,
            match=rf"^{re.escape(str(path))}: cannot record the run in the history database \(",
        ):
            store.record(_run(tmp_path, 1, 2.0), "shop")
        with pytest.raises(InputFileError, match="cannot read the history database"):
            store.trends("shop", 10)
