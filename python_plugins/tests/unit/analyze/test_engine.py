"""The diamond run (2 threads), worked out by hand:

    thread 1: a [0, 4]          d [4.5, 5.5]   e [6.5, 9.5]
    thread 2: b [0, 1]          c [4.5, 6.5]
    c <- a, b;  d <- a;  e <- c, d

wall 9.5 s. Longest path by execution time: a(4) -> c(2) -> e(3) = 9 s (a->d->e = 8, b->c->e = 6).
Busy: thread 1 = 8 s, thread 2 = 3 s; utilization 11 / (2 x 9.5). Idle gaps: thread 2 [1, 4.5]
waits for a (c's last parent, done at 4); thread 1 [4, 4.5] has no blocker (a finished exactly
when the gap began: dbt overhead); thread 1 [5.5, 6.5] waits for c; thread 2 [6.5, 9.5] is the tail.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline_kit.analyze import AnalysisOptions, analyze_run, load_run
from pipeline_kit.analyze.dag import RunGraph, longest_path, simulate_wall_time

from .artifact_builder import Node, diamond, write_artifacts

P = "model.shop."


@pytest.fixture
def diamond_dir(tmp_path: Path) -> Path:
    return write_artifacts(tmp_path / "target", diamond())


def test_critical_path_is_the_heaviest_chain(diamond_dir: Path) -> None:
    analysis = analyze_run(load_run(diamond_dir))
    assert analysis.critical_path.nodes == (P + "a", P + "c", P + "e")
    assert analysis.critical_path.length_s == pytest.approx(9.0)
    assert analysis.timeline.wall_s == pytest.approx(9.5)
    assert analysis.critical_path.share_of_wall == pytest.approx(9.0 / 9.5)


def test_thread_busy_idle_and_utilization(diamond_dir: Path) -> None:
    timeline = analyze_run(load_run(diamond_dir)).timeline
    threads = {t.thread_id: t for t in timeline.threads}
    assert threads["Thread-1 (worker)"].busy_s == pytest.approx(8.0)
    assert threads["Thread-1 (worker)"].idle_s == pytest.approx(1.5)
    assert threads["Thread-2 (worker)"].busy_s == pytest.approx(3.0)
    assert threads["Thread-2 (worker)"].node_count == 2
    assert timeline.utilization == pytest.approx(11 / 19)
    assert timeline.average_parallelism == pytest.approx(11 / 9.5)
    assert timeline.peak_parallelism == 2


def test_idle_gaps_are_attributed_to_the_blocking_upstream_node(diamond_dir: Path) -> None:
    gaps = analyze_run(load_run(diamond_dir)).timeline.gaps
    found = {(g.thread_id[:8], round(g.start_s, 3), round(g.end_s, 3)): g.blocked_by for g in gaps}
    assert found == {
        ("Thread-1", 4.0, 4.5): None,
        ("Thread-1", 5.5, 6.5): P + "c",
        ("Thread-2", 1.0, 4.5): P + "a",
        ("Thread-2", 6.5, 9.5): None,
    }


def test_compile_and_execute_time_are_split(diamond_dir: Path) -> None:
    nodes = analyze_run(load_run(diamond_dir)).timeline.nodes
    assert sum(n.compile_s for n in nodes) == pytest.approx(5 * 0.25)
    assert sum(n.execute_s for n in nodes) == pytest.approx(11 - 5 * 0.25)


def test_what_if_replays_the_schedule(diamond_dir: Path) -> None:
    run = load_run(diamond_dir)
    analysis = analyze_run(run, AnalysisOptions(what_if=[("e", 50.0), (P + "a", 50.0), ("b", 100.0)]))
    by_node = {w.unique_id: w for w in analysis.what_ifs}
    # e 3 s -> 1.5 s: it is last on the critical path, so the run ends 1.5 s sooner.
    assert by_node[P + "e"].saved_s == pytest.approx(1.5)
    assert by_node[P + "e"].predicted_wall_s == pytest.approx(8.0)
    # a 4 s -> 2 s moves c, d and e 2 s earlier.
    assert by_node[P + "a"].predicted_wall_s == pytest.approx(7.5)
    # b is off the critical path: making it free saves nothing.
    assert by_node[P + "b"].saved_s == pytest.approx(0.0)


def test_default_what_if_covers_the_slowest_critical_nodes(diamond_dir: Path) -> None:
    analysis = analyze_run(load_run(diamond_dir))
    assert [w.unique_id for w in analysis.what_ifs] == [P + "a", P + "e", P + "c"]
    assert all(w.faster_pct == 50.0 for w in analysis.what_ifs)


def test_simulation_respects_the_thread_limit() -> None:
    # Three independent 1-second nodes on one thread take 3 s; on three threads, 1 s.
    graph = RunGraph(
        parents={"x": (), "y": (), "z": ()}, children={"x": (), "y": (), "z": ()}, order=("x", "y", "z")
    )
    durations = {"x": 1.0, "y": 1.0, "z": 1.0}
    assert simulate_wall_time(graph, durations, 1, {}) == pytest.approx(3.0)
    assert simulate_wall_time(graph, durations, 3, {}) == pytest.approx(1.0)
    assert longest_path(graph, durations)[1] == pytest.approx(1.0)


def test_build_runs_wait_for_tests_on_parents(tmp_path: Path) -> None:
    nodes = [
        Node("a", 0.0, 1.0),
        Node("not_null_a", 1.0, 6.0, resource_type="test", materialized="test", depends_on=("a",)),
        Node("b", 6.0, 7.0, depends_on=("a",)),
    ]
    analysis = analyze_run(load_run(write_artifacts(tmp_path, nodes)))
    assert analysis.graph.parents[P + "b"] == (P + "a", "test.shop.not_null_a")
    assert analysis.critical_path.nodes == (P + "a", "test.shop.not_null_a", P + "b")
    assert analysis.time_by_resource_type() == {"model": pytest.approx(2.0), "test": pytest.approx(5.0)}


def test_nodes_that_did_not_run_are_walked_through(tmp_path: Path) -> None:
    # b is ephemeral (not in run_results): c still depends on a through it.
    nodes = [Node("a", 0.0, 1.0), Node("c", 1.0, 2.0, depends_on=("b",))]
    ephemeral = [Node("b", None, None, depends_on=("a",), materialized="ephemeral")]
    analysis = analyze_run(load_run(write_artifacts(tmp_path, nodes, extra_manifest_nodes=ephemeral)))
    assert analysis.graph.parents[P + "c"] == (P + "a",)
    assert analysis.critical_path.length_s == pytest.approx(2.0)


def test_skipped_and_failed_nodes_are_listed(tmp_path: Path) -> None:
    nodes = [
        Node("a", 0.0, 1.0, status="error"),
        Node("b", None, None, depends_on=("a",), status="skipped"),
    ]
    analysis = analyze_run(load_run(write_artifacts(tmp_path, nodes)))
    assert [n.unique_id for n in analysis.nodes_with_status("error")] == [P + "a"]
    assert [n.unique_id for n in analysis.nodes_with_status("skipped")] == [P + "b"]
    assert analysis.node_by_id[P + "b"].start_s is None


def test_unused_threads_count_as_idle(tmp_path: Path) -> None:
    analysis = analyze_run(load_run(write_artifacts(tmp_path, [Node("a", 0.0, 2.0)], threads=4)))
    assert analysis.timeline.thread_count == 4
    assert analysis.timeline.utilization == pytest.approx(0.25)
    assert [t.busy_s for t in analysis.timeline.threads] == [pytest.approx(2.0), 0.0, 0.0, 0.0]


def test_unit_tests_and_exposures_are_nodes_of_the_manifest(tmp_path: Path) -> None:
    """`dbt test --select test_type:unit` exited 2 ("1 of 1 results ... are not in manifest.json:
    the two files come from different projects"), and a build warned about its unit test and
    exposure as "not in the manifest (deleted since?)"."""
    unit_test = Node("ut_b", 0.0, 1.0, resource_type="unit_test", materialized="", depends_on=("b",))
    only_unit_tests = write_artifacts(
        tmp_path / "unit",
        [unit_test],
        extra_manifest_nodes=[Node("b", None, None)],
        extra_args={"which": "test"},
    )
    run = load_run(only_unit_tests)
    assert run.warnings == ()
    assert analyze_run(run).node_by_id["unit_test.shop.ut_b"].resource_type == "unit_test"

    build = [
        Node("b", 0.0, 1.0),
        Node(
            "dashboard",
            1.0,
            1.01,
            resource_type="exposure",
            materialized="",
            depends_on=("b",),
            status="no-op",
        ),
    ]
    run = load_run(write_artifacts(tmp_path / "build", build))
    assert run.warnings == ()
    assert analyze_run(run).graph.parents["exposure.shop.dashboard"] == (P + "b",)


def _sources_json(target: Path, invocation_id: str) -> None:
    (target / "sources.json").write_text(
        json.dumps(
            {
                "metadata": {
                    "dbt_schema_version": "https://schemas.getdbt.com/dbt/sources/v3.json",
                    "invocation_id": invocation_id,
                },
                "results": [{"unique_id": "source.shop.raw.a", "status": "warn"}],
            }
        )
    )


def test_sources_json_of_another_invocation_is_left_out(tmp_path: Path) -> None:
    """`dbt source freshness` leaves sources.json in target/; a later `dbt run` reported its
    `warn` as the run's source freshness."""
    target = write_artifacts(
        tmp_path / "target", diamond(), invocation_id="run-2", extra_args={"which": "run"}
    )
    _sources_json(target, "freshness-1")
    run = load_run(target)
    assert run.sources == ()
    assert run.warnings == (
        f"{target / 'sources.json'}: written by another dbt invocation (freshness-1, e.g. an earlier "
        "`dbt source freshness`) than run_results.json (run-2); its source freshness results are left out",
    )
    _sources_json(target, "run-2")
    run = load_run(target)
    assert [s.status for s in run.sources] == ["warn"]
    assert run.warnings == ()
