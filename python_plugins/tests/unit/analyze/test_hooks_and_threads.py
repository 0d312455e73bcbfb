"""on-run-start/on-run-end hooks, threads that only skipped nodes, and the critical path's share."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline_kit.analyze import analyze_run, load_run
from pipeline_kit.analyze.recommend import recommend

from .artifact_builder import Node, write_artifacts

P = "model.shop."
START_HOOK = "operation.shop.shop-on-run-start-0"
END_HOOK = "operation.shop.shop-on-run-end-0"
T1, T2 = "Thread-1 (worker)", "Thread-2 (worker)"


def _hook(phase: str, start: float | None, end: float | None, status: str = "success") -> Node:
    # dbt 1.8+ writes each hook into run_results on thread "main"; the manifest tags it by phase.
    return Node(f"shop-{phase}-0", start, end, "main", resource_type="operation", materialized="",
                tags=(phase,), status=status)  # fmt: skip


def _run_with_hooks() -> list[Node]:
    """start hook [0, 1] | a [1, 3] on T1, b [1, 2] on T2, c [3, 5] on T1 (c <- a, b) | end hook [5, 6]."""
    return [
        _hook("on-run-start", 0.0, 1.0),
        Node("a", 1.0, 3.0, T1),
        Node("b", 1.0, 2.0, T2),
        Node("c", 3.0, 5.0, T1, depends_on=("a", "b")),
        _hook("on-run-end", 5.0, 6.0),
    ]


def test_hooks_are_not_a_worker_thread(tmp_path: Path) -> None:
    """The hooks' thread "main" was counted as a worker: 3 threads instead of 2, its idle time in
    the utilization, and a false `threads_unused` ("3 threads configured; at most 2 ...")."""
    analysis = analyze_run(load_run(write_artifacts(tmp_path, _run_with_hooks(), threads=None)))
    timeline = analysis.timeline
    assert timeline.thread_count == 2
    assert [t.thread_id for t in timeline.threads] == [T1, T2]
    assert timeline.peak_parallelism == 2
    assert timeline.wall_s == pytest.approx(6.0)  # hooks are part of the run's wall time
    assert timeline.utilization == pytest.approx(5.0 / (2 * 6.0))  # busy: T1 4 s, T2 1 s
    assert "threads_unused" not in [r.kind for r in recommend(analysis)]
    assert analysis.node_by_id[START_HOOK].thread_id == "main"  # still listed as nodes of the run


def test_start_hooks_precede_and_end_hooks_follow_every_node(tmp_path: Path) -> None:
    """The critical path treated the hooks as independent nodes: it was a -> c (4 s of a 6 s run)
    although nothing could start before the start hook nor the end hook before c."""
    analysis = analyze_run(load_run(write_artifacts(tmp_path, _run_with_hooks(), threads=None)))
    assert analysis.graph.parents[P + "a"] == (START_HOOK,)
    assert analysis.graph.parents[END_HOOK] == (P + "a", P + "b", P + "c")
    assert analysis.critical_path.nodes == (START_HOOK, P + "a", P + "c", END_HOOK)
    assert analysis.critical_path.length_s == pytest.approx(6.0)
    assert analysis.critical_path.share_of_wall == pytest.approx(1.0)
    # the worker threads' wait for the start hook is charged to it, not left unexplained
    first_gaps = {g.thread_id: g.blocked_by for g in analysis.timeline.gaps if g.start_s == 0.0}
    assert first_gaps == {T1: START_HOOK, T2: START_HOOK}


def test_a_skipped_end_hook_without_timing_still_follows_the_nodes(tmp_path: Path) -> None:
    nodes = [*_run_with_hooks()[:-1], _hook("on-run-end", None, None, status="skipped")]
    analysis = analyze_run(load_run(write_artifacts(tmp_path, nodes, threads=None)))
    assert analysis.graph.parents[END_HOOK] == (P + "a", P + "b", P + "c")
    assert analysis.timeline.thread_count == 2


def test_threads_that_only_skipped_nodes_are_counted(tmp_path: Path) -> None:
    """A thread whose nodes were all skipped has no timed node: the thread count (from the thread
    ids, without --threads) was 1 for a run that used 3."""
    nodes = [
        Node("a", 0.0, 1.0, T1, status="error"),
        Node("b", None, None, T2, depends_on=("a",), status="skipped"),
        Node("c", None, None, "Thread-3 (worker)", depends_on=("a",), status="skipped"),
    ]
    timeline = analyze_run(load_run(write_artifacts(tmp_path, nodes, threads=None))).timeline
    assert timeline.thread_count == 3
    assert [(t.thread_id, t.busy_s) for t in timeline.threads] == [
        (T1, pytest.approx(1.0)),
        (T2, 0.0),
        ("Thread-3 (worker)", 0.0),
    ]


def test_critical_path_share_of_wall_never_exceeds_one(tmp_path: Path) -> None:
    """dbt's execution_time also counts some overhead outside the timed span; the path summed
    execution_time while the wall time comes from the spans, and share_of_wall read 1.5."""
    nodes = [
        Node("a", 0.0, 1.0, execution_time=1.4),
        Node("b", 1.0, 2.0, depends_on=("a",), execution_time=1.6),
    ]
    critical = analyze_run(load_run(write_artifacts(tmp_path / "overhead", nodes))).critical_path
    assert critical.length_s == pytest.approx(2.0)  # the timed spans
    assert critical.share_of_wall == pytest.approx(1.0)
    # b overlapped a although the manifest says it depends on it: the chain (4 s) is longer than
    # the run (3 s), and the share is capped at 1.
    overlapping = [Node("a", 0.0, 2.0), Node("b", 1.0, 3.0, T2, depends_on=("a",))]
    critical = analyze_run(load_run(write_artifacts(tmp_path / "overlap", overlapping))).critical_path
    assert critical.length_s == pytest.approx(4.0)
    assert critical.share_of_wall == pytest.approx(1.0)
