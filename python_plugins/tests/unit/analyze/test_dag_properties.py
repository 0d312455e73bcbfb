"""Properties of the run graph computations on random DAGs (hypothesis)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline_kit.analyze.dag import RunGraph, longest_path, simulate_wall_time


@st.composite
def weighted_dags(draw: st.DrawFn) -> tuple[RunGraph, dict[str, float]]:
    size = draw(st.integers(min_value=1, max_value=25))
    names = [f"n{i}" for i in range(size)]
    parents: dict[str, tuple[str, ...]] = {}
    for index, name in enumerate(names):
        # Parents only among earlier nodes: acyclic by construction.
        chosen = draw(st.sets(st.sampled_from(names[:index]), max_size=3)) if index else set()
        parents[name] = tuple(sorted(chosen))
    children: dict[str, list[str]] = {name: [] for name in names}
    for name, node_parents in parents.items():
        for parent in node_parents:
            children[parent].append(name)
    weights = {name: draw(st.floats(min_value=0.0, max_value=100.0)) for name in names}
    graph = RunGraph(parents=parents, children={k: tuple(v) for k, v in children.items()}, order=tuple(names))
    return graph, weights


@settings(max_examples=100, deadline=None)
@given(weighted_dags())
def test_critical_path_is_a_real_chain_with_the_claimed_length(
    case: tuple[RunGraph, dict[str, float]],
) -> None:
    graph, weights = case
    path, length = longest_path(graph, weights)
    assert all(parent in graph.parents[child] for parent, child in itertools.pairwise(path))
    assert abs(sum(weights[node] for node in path) - length) < 1e-6
    assert length >= max(weights.values()) - 1e-9
    assert length <= sum(weights.values()) + 1e-9


@settings(max_examples=100, deadline=None)
@given(weighted_dags(), st.integers(min_value=1, max_value=8))
def test_simulated_wall_time_is_bounded_by_path_and_work(
    case: tuple[RunGraph, dict[str, float]], threads: int
) -> None:
    graph, weights = case
    _, critical = longest_path(graph, weights)
    wall = simulate_wall_time(graph, weights, threads, {})
    # No schedule beats the critical path or perfect sharing of the work over the threads...
    assert wall >= critical - 1e-6
    assert wall >= sum(weights.values()) / threads - 1e-6
    # ...and with a thread per node, the run takes exactly the critical path.
    assert abs(simulate_wall_time(graph, weights, len(weights), {}) - critical) < 1e-6
