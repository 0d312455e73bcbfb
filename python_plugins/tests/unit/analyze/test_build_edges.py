"""What a node waits for in `dbt build`, by dbt's rule: a test blocks a node only when every node
the test reads is upstream of it; a model waits for its unit tests. Checked against dbt 1.11's own
target/graph_summary.json (`with_test_edges`) on real builds: same critical path, same idle time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline_kit.analyze import analyze_run, load_run
from pipeline_kit.analyze.build_edges import build_dependencies
from pipeline_kit.analyze.timeline import NodeRun, build_timeline
from pipeline_kit.artifacts import Manifest, ManifestNode

from .artifact_builder import Node, write_artifacts

P = "model.shop."
T1, T2 = "Thread-1 (worker)", "Thread-2 (worker)"


def _test(name: str, start: float | None, end: float | None, thread: str, *tested: str) -> Node:
    return Node(name, start, end, thread, depends_on=tested, resource_type="test", materialized="test")


def test_a_relationships_test_does_not_block_a_node_downstream_of_only_one_side(tmp_path: Path) -> None:
    """The reviewer's t_build1: a test reading fct_orders and dim_customers was made a parent of
    fct_daily_revenue (fct_orders' child) although fct_daily_revenue started 0.46 s before it;
    the critical path ran through it (3.07 s, dbt's own graph: 2.75 s)."""
    nodes = [
        Node("orders", 0.0, 1.0, T1),
        Node("customers", 0.0, 2.0, T2),
        _test("rel_orders_customers", 2.0, 5.0, T2, "orders", "customers"),
        Node("revenue", 1.5, 2.5, T1, depends_on=("orders",)),
        Node("orders_by_customer", 5.0, 6.0, T1, depends_on=("orders", "customers")),
    ]
    analysis = analyze_run(load_run(write_artifacts(tmp_path, nodes)))
    parents = analysis.graph.parents
    assert parents[P + "revenue"] == (P + "orders",)
    # downstream of both nodes the test reads: it waits, as dbt makes it
    assert "test.shop.rel_orders_customers" in parents[P + "orders_by_customer"]
    assert analysis.critical_path.nodes == (
        P + "customers",
        "test.shop.rel_orders_customers",
        P + "orders_by_customer",
    )
    # the gap on thread 1 [2.5, 5.0] is the test's (orders_by_customer waited for it); [1.0, 1.5] is
    # nobody's (revenue's only parent ended when the gap began)
    blockers = {(g.thread_id, g.start_s): g.blocked_by for g in analysis.timeline.gaps}
    assert blockers[(T1, 1.0)] is None
    assert blockers[(T1, 2.5)] == "test.shop.rel_orders_customers"


def test_tests_on_an_ephemeral_model_or_a_source_block_the_nodes_below(tmp_path: Path) -> None:
    """dbt adds the edge from a test on an ephemeral model (or a source) to that node's children;
    the analyzer looked for tests only on the parents that ran, and missed both."""
    nodes = [
        Node("stg", 0.0, 1.0, T1),
        _test("not_null_eph", 1.0, 3.0, T1, "eph"),
        Node("fct", 3.0, 4.0, T1, depends_on=("eph",)),
        _test("source_not_null_raw", 0.0, 2.0, T2, "source.shop.raw"),
        Node("src_child", 2.0, 3.0, T2, depends_on=("source.shop.raw",)),
    ]
    not_run = [
        Node("eph", None, None, depends_on=("stg",), materialized="ephemeral"),
        Node("raw", None, None, resource_type="source", materialized=""),
    ]
    analysis = analyze_run(load_run(write_artifacts(tmp_path, nodes, extra_manifest_nodes=not_run)))
    assert analysis.graph.parents[P + "fct"] == (P + "stg", "test.shop.not_null_eph")
    assert analysis.graph.parents[P + "src_child"] == ("test.shop.source_not_null_raw",)
    assert analysis.critical_path.length_s == pytest.approx(4.0)  # stg -> not_null_eph -> fct


def test_a_model_waits_for_its_unit_test_which_waits_for_the_models_parents(tmp_path: Path) -> None:
    """`dbt build` runs a unit test right before its model, on its thread; the manifest lists the
    unit test as the model's child."""
    nodes = [
        Node("a", 0.0, 1.0),
        Node("ut_b", 1.0, 3.0, resource_type="unit_test", materialized="", depends_on=("b",)),
        Node("b", 3.0, 4.0, depends_on=("a",)),
    ]
    analysis = analyze_run(load_run(write_artifacts(tmp_path, nodes)))
    unit_test = "unit_test.shop.ut_b"
    assert analysis.graph.parents[unit_test] == (P + "a",)
    assert analysis.graph.parents[P + "b"] == (P + "a", unit_test)
    assert analysis.critical_path.nodes == (P + "a", unit_test, P + "b")
    assert analysis.run.warnings == ()


def test_a_unit_test_in_dbt_test_follows_the_manifest(tmp_path: Path) -> None:
    nodes = [Node("ut_b", 0.0, 1.0, resource_type="unit_test", materialized="", depends_on=("b",))]
    model = [Node("b", None, None)]
    target = write_artifacts(tmp_path, nodes, extra_manifest_nodes=model, extra_args={"which": "test"})
    analysis = analyze_run(load_run(target))
    assert analysis.graph.parents["unit_test.shop.ut_b"] == ()


def _node_run(unique_id: str, start: float, end: float, thread: str) -> NodeRun:
    return NodeRun(
        unique_id,
        unique_id,
        "model",
        "table",
        "success",
        thread,
        end - start,
        0.0,
        end - start,
        start,
        end,
        {},
        "",
    )


def test_a_parent_still_running_when_the_node_started_is_never_its_blocker() -> None:
    """However the graph came about, a node that ended after the gap's next node started cannot
    have held that node back (t_build1: the 0.0588 s gap before fct_daily_revenue was charged to
    a test that ran 0.46 s to 0.86 s after fct_daily_revenue started)."""
    runs = [
        _node_run("up", 0.0, 1.0, T1),
        _node_run("slow_test", 0.0, 5.0, T2),
        _node_run("next", 2.0, 3.0, T1),
    ]
    timeline = build_timeline(runs, {"next": ("up", "slow_test")}, 2, None)
    gap = next(g for g in timeline.gaps if g.next_node == "next")
    assert (gap.start_s, gap.end_s, gap.blocked_by) == (1.0, 2.0, None)
    # the parent that did end before it started and after the gap began is still named
    timeline = build_timeline(
        [*runs[:2], _node_run("mid", 0.0, 1.5, "Thread-3"), runs[2]],
        {"next": ("up", "mid", "slow_test")},
        3,
        None,
    )
    assert next(g for g in timeline.gaps if g.next_node == "next").blocked_by == "mid"


def _upstream(unique_id: str, parents: Mapping[str, Sequence[str]]) -> set[str]:
    found: set[str] = set()
    stack = list(parents.get(unique_id, ()))
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(parents.get(current, ()))
    return found


@st.composite
def manifests_with_tests(draw: st.DrawFn) -> Manifest:
    size = draw(st.integers(min_value=2, max_value=20))
    nodes: dict[str, ManifestNode] = {}
    for index in range(size):
        kind = draw(st.sampled_from(["model", "model", "seed", "source", "exposure"])) if index else "model"
        # exposures are leaves, sources roots, as in dbt
        pool = sorted(uid for uid, node in nodes.items() if node.resource_type != "exposure")
        chosen = () if kind == "source" or not pool else draw(st.sets(st.sampled_from(pool), max_size=3))
        uid = f"{kind}.p.n{index}"
        nodes[uid] = ManifestNode(uid, kind, f"n{index}", "p", tuple(sorted(chosen)), "table", (), "")
    testable = sorted(uid for uid, node in nodes.items() if node.resource_type != "exposure")
    for index in range(draw(st.integers(min_value=0, max_value=8))):
        tested = draw(st.sets(st.sampled_from(testable), min_size=1, max_size=3))
        uid = f"test.p.t{index}"
        nodes[uid] = ManifestNode(uid, "test", f"t{index}", "p", tuple(sorted(tested)), "test", (), "")
    return Manifest(Path("manifest.json"), 12, False, "", "", "duckdb", "p", nodes)


@settings(max_examples=150, deadline=None)
@given(manifests_with_tests())
def test_build_edges_follow_dbts_rule(manifest: Manifest) -> None:
    """dbt's rule (linker.add_test_edges): a node that can wait waits for every test all of whose
    nodes are upstream of it, and for no other test; our edges are fewer, with the same reach."""
    waits_for = build_dependencies(manifest)
    depends_on = {uid: node.depends_on for uid, node in manifest.nodes.items()}
    tests = {
        uid: set(node.depends_on) for uid, node in manifest.nodes.items() if node.resource_type == "test"
    }
    for uid, node in manifest.nodes.items():
        if node.resource_type in {"test", "source", "exposure"}:
            continue
        upstream = _upstream(uid, depends_on)
        expected = {test_id for test_id, tested in tests.items() if tested <= upstream}
        assert {u for u in _upstream(uid, waits_for) if u in tests} == expected
