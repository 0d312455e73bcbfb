"""The run's dependency graph, restricted to the nodes that ran, and what we compute on it.

Kept inside `analyze/` on purpose: a small DAG over executed nodes is all the analyzer needs.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pipeline_kit.analyze.build_edges import build_dependencies
from pipeline_kit.artifacts import Manifest


@dataclass(frozen=True)
class RunGraph:
    """parents[node] = the executed nodes `node` had to wait for; `order` is topological."""

    parents: Mapping[str, tuple[str, ...]]
    children: Mapping[str, tuple[str, ...]]
    order: tuple[str, ...]


def build_run_graph(manifest: Manifest, executed: Iterable[str], is_build: bool) -> RunGraph:
    """Project the manifest's DAG onto `executed`, walking through nodes that did not run.

    In `dbt build`, a node also waits for the tests upstream of it and a model for its unit tests
    (see `build_edges`); those edges are added first, so the critical path and the what-if
    simulation follow the order dbt really imposed.
    """
    ran = set(executed)
    depends_on: Mapping[str, tuple[str, ...]] = (
        build_dependencies(manifest)
        if is_build
        else {uid: node.depends_on for uid, node in manifest.nodes.items()}
    )
    memo: dict[str, frozenset[str]] = {}

    def executed_ancestors(unique_id: str) -> frozenset[str]:
        # Iterative to survive 10,000-node chains without hitting the recursion limit.
        stack = [unique_id]
        while stack:
            current = stack[-1]
            if current in memo:
                stack.pop()
                continue
            current_parents = depends_on.get(current, ())
            pending = [p for p in current_parents if p not in ran and p not in memo]
            if pending:
                stack.extend(pending)
                continue
            found: set[str] = set()
            for parent in current_parents:
                if parent in ran:
                    found.add(parent)
                else:
                    found |= memo.get(parent, frozenset())
            memo[current] = frozenset(found)
            stack.pop()
        return memo[unique_id]

    parents: dict[str, set[str]] = {}
    for unique_id in ran:
        found: set[str] = set()
        for parent in depends_on.get(unique_id, ()):
            if parent in ran:
                found.add(parent)
            else:
                found |= executed_ancestors(parent)
        parents[unique_id] = found
    return _finish(parents)


def _finish(parents: dict[str, set[str]]) -> RunGraph:
    children: dict[str, list[str]] = {node: [] for node in parents}
    for node, node_parents in parents.items():
        for parent in node_parents:
            children[parent].append(node)
    indegree = {node: len(node_parents) for node, node_parents in parents.items()}
    queue = sorted(node for node, degree in indegree.items() if degree == 0)
    order: list[str] = []
    while queue:
        node = queue.pop()
        order.append(node)
        for child in children[node]:
            indegree[child] -= 1
            if indegree[child] == 0:
                queue.append(child)
    if len(order) != len(parents):
        # A cycle cannot come from dbt; keep going with the nodes we could order.
        order.extend(sorted(node for node, degree in indegree.items() if degree > 0))
    return RunGraph(
        parents={node: tuple(sorted(p)) for node, p in parents.items()},
        children={node: tuple(c) for node, c in children.items()},
        order=tuple(order),
    )


def longest_path(graph: RunGraph, weight: Mapping[str, float]) -> tuple[tuple[str, ...], float]:
    """The heaviest chain of dependent nodes (sum of `weight`), and that sum."""
    best: dict[str, float] = {}
    via: dict[str, str | None] = {}
    for node in graph.order:
        heaviest_parent = max(graph.parents[node], key=lambda p: best.get(p, 0.0), default=None)
        best[node] = weight.get(node, 0.0) + (best.get(heaviest_parent, 0.0) if heaviest_parent else 0.0)
        via[node] = heaviest_parent
    if not best:
        return (), 0.0
    end: str | None = max(best, key=lambda n: best[n])
    total = best[end] if end else 0.0
    path: list[str] = []
    while end is not None:
        path.append(end)
        end = via[end]
    return tuple(reversed(path)), total


def simulate_wall_time(
    graph: RunGraph, duration: Mapping[str, float], threads: int, priority: Mapping[str, float]
) -> float:
    """Replay the run with `threads` workers: a node starts when its parents are done and a
    thread is free; among ready nodes the one dbt started first (lowest `priority`) goes first."""
    waiting = {node: len(node_parents) for node, node_parents in graph.parents.items()}
    ready = [(priority.get(node, 0.0), node) for node, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    running: list[tuple[float, str]] = []
    now = 0.0
    free = max(threads, 1)
    while ready or running:
        while free and ready:
            _, node = heapq.heappop(ready)
            heapq.heappush(running, (now + duration.get(node, 0.0), node))
            free -= 1
        now, finished = heapq.heappop(running)
        free += 1
        for child in graph.children[finished]:
            waiting[child] -= 1
            if waiting[child] == 0:
                heapq.heappush(ready, (priority.get(child, 0.0), child))
    return now
