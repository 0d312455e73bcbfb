"""Recommendations fire on the evidence they quote, and stay quiet without it."""

from __future__ import annotations

from pathlib import Path

from pipeline_kit.analyze import AnalysisOptions, analyze_run, load_run
from pipeline_kit.analyze.cost import CostSettings
from pipeline_kit.analyze.recommend import recommend

from .artifact_builder import Node, diamond, write_artifacts

P = "model.shop."


def _kinds(found: list) -> list[tuple[str, tuple[str, ...]]]:  # type: ignore[type-arg]
    return [(r.kind, r.nodes) for r in found]


def test_tables_on_the_critical_path_should_be_incremental(tmp_path: Path) -> None:
    analysis = analyze_run(load_run(write_artifacts(tmp_path, diamond())))
    found = recommend(analysis, rebuilds={P + "a": (29, 30)})
    incremental = [r for r in found if r.kind == "make_incremental"]
    # a, c, e are tables on the path a -> c -> e; b and d are views.
    assert [r.nodes for r in incremental] == [(P + "a",), (P + "c",), (P + "e",)]
    assert "rebuilt in 29 of the last 30 runs, 4.00 s = 44% of the critical path" in incremental[0].evidence
    assert "rebuilt in full" in incremental[1].evidence


def test_long_view_chains(tmp_path: Path) -> None:
    nodes = [Node("v1", 0.0, 1.0, materialized="view")]
    nodes += [
        Node(f"v{i}", i - 1.0, float(i), materialized="view", depends_on=(f"v{i - 1}",)) for i in range(2, 6)
    ]
    nodes.append(Node("t", 5.0, 6.0, materialized="table", depends_on=("v5",)))
    found = recommend(analyze_run(load_run(write_artifacts(tmp_path, nodes))))
    chains = [r for r in found if r.kind == "long_view_chain"]
    assert [r.nodes for r in chains] == [tuple(P + f"v{i}" for i in range(1, 6))]
    assert chains[0].title == "5 views stacked up to v5"


def test_short_view_chains_are_fine(tmp_path: Path) -> None:
    nodes = [
        Node("v1", 0.0, 1.0, materialized="view"),
        Node("v2", 1.0, 2.0, materialized="view", depends_on=("v1",)),
    ]
    assert "long_view_chain" not in [
        r.kind for r in recommend(analyze_run(load_run(write_artifacts(tmp_path, nodes))))
    ]


def test_tests_that_cost_more_than_their_model(tmp_path: Path) -> None:
    nodes = [
        Node("orders", 0.0, 2.0),
        Node("slow_unique", 2.0, 7.0, resource_type="test", materialized="test", depends_on=("orders",),
             attached_node="orders"),
        Node("fast_not_null", 2.0, 2.5, thread="Thread-2", resource_type="test", materialized="test",
             depends_on=("orders",), attached_node="orders"),
    ]  # fmt: skip
    analysis = analyze_run(
        load_run(write_artifacts(tmp_path, nodes, adapter="postgres")),
        AnalysisOptions(cost=CostSettings(price_per_hour=36.0)),
    )
    found = [r for r in recommend(analysis) if r.kind == "test_costs_more_than_model"]
    assert [r.nodes for r in found] == [("test.shop.slow_unique", P + "orders")]
    assert "test 5.00 s vs model 2.00 s; 0.0500 vs 0.0200 USD" in found[0].evidence


def test_threads_never_used(tmp_path: Path) -> None:
    chain = [Node("a", 0.0, 1.0), Node("b", 1.0, 2.0, depends_on=("a",))]
    found = recommend(analyze_run(load_run(write_artifacts(tmp_path, chain, threads=8))))
    threads = [r for r in found if r.kind == "threads_unused"]
    assert len(threads) == 1
    assert "8 threads configured; at most 1 nodes ran at once" in threads[0].evidence


def test_saturated_threads_suggest_more(tmp_path: Path) -> None:
    # Four independent 1 s models on 2 threads: always busy, critical path 1 s of a 2 s run.
    nodes = [Node(name, start, start + 1.0, thread) for name, start, thread in
             [("w", 0.0, "T1"), ("x", 0.0, "T2"), ("y", 1.0, "T1"), ("z", 1.0, "T2")]]  # fmt: skip
    found = recommend(analyze_run(load_run(write_artifacts(tmp_path, nodes, threads=2))))
    assert ("threads_saturated", ()) in _kinds(found)


def test_a_node_that_kept_threads_waiting(tmp_path: Path) -> None:
    # Diamond: 8 s of idle thread time; a is charged 3.5 s (44%), c 1.0 s (12%, below 25%).
    found = [
        r
        for r in recommend(analyze_run(load_run(write_artifacts(tmp_path, diamond()))))
        if r.kind == "blocking_node"
    ]
    assert [r.nodes for r in found] == [(P + "a",)]
    assert found[0].evidence == (
        "threads sat idle 3.50 s waiting for it (1 gaps, 44% of all idle thread time), "
        "and it took 4.00 s itself"
    )


def test_a_test_slower_than_its_model_by_noise_is_not_advice(tmp_path: Path) -> None:
    """A 0.05 s test after a 0.04 s model was "Test ... costs more than ...": timing noise."""
    nodes = [
        Node("orders", 0.0, 0.04),
        Node("unique_orders", 0.04, 0.09, resource_type="test", materialized="test", depends_on=("orders",),
             attached_node="orders"),
    ]  # fmt: skip
    found = recommend(analyze_run(load_run(write_artifacts(tmp_path, nodes))))
    assert "test_costs_more_than_model" not in [r.kind for r in found]


def test_view_chains_only_among_the_views_this_run_built(tmp_path: Path) -> None:
    """`dbt build --select t` reported the project's whole five-view chain, none of which ran."""
    chain = [Node("v1", None, None, materialized="view")]
    chain += [Node(f"v{i}", None, None, materialized="view", depends_on=(f"v{i - 1}",)) for i in range(2, 6)]
    selected = [Node("t", 0.0, 1.0, materialized="table", depends_on=("v5",))]
    found = recommend(analyze_run(load_run(write_artifacts(tmp_path, selected, extra_manifest_nodes=chain))))
    assert "long_view_chain" not in [r.kind for r in found]
