"""The run's dependency graph, restricted to the nodes that ran, and what we compute on it.

Kept inside `analyze/` on purpose: a small DAG over executed nodes is all the analyzer needs.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pipeline_kit.analyze.build_edges import build_dependencies
from pipeline_kit.analyze.hooks import RunHooks
from pipeline_kit.artifacts import Manifest
from pipeline_kit.errors import InputFileError


@dataclass(frozen=True)
class RunGraph:
    """parents[node] = the executed nodes `node` had to wait for; `order` is topological."""

    parents: Mapping[str, tuple[str, ...]]
    children: Mapping[str, tuple[str, ...]]
    order: tuple[str, ...]


def build_run_graph(
    manifest: Manifest, executed: Iterable[str], is_build: bool, hooks: RunHooks | None = None
) -> RunGraph:
    """Project the manifest's DAG onto `executed`, walking through nodes that did not run.

    In `dbt build`, a node also waits for the tests upstream of it and a model for its unit tests
    (see `build_edges`); those edges are added first, so the critical path and the what-if
    simulation follow the order dbt really imposed. Every node waits for the run's on-run-start
    hooks, and its on-run-end hooks for every node.

    A dependency cycle on the way (dbt refuses to run one, but a manifest can be edited by hand)
    is an InputFileError naming the manifest and the nodes on the cycle.
    """
    ran = set(executed)
    depends_on: Mapping[str, tuple[str, ...]] = (
        build_dependencies(manifest)
        if is_build
        else {uid: node.depends_on for uid, node in manifest.nodes.items()}
    )
    memo: dict[str, frozenset[str]] = {}

    def executed_ancestors(unique_id: str) -> frozenset[str]:
        # Depth first, iterative to survive 10,000-node chains without hitting the recursion
        # limit; `path` holds the nodes being walked, each depending on the next, so meeting one
        # of them again closes a cycle.
        path, on_path = [unique_id], {unique_id}
        pending_parents = [iter(depends_on.get(unique_id, ()))]
        while path:
            parent = next(pending_parents[-1], None)
            if parent is None:
                current = path.pop()
                on_path.discard(current)
                pending_parents.pop()
                found: set[str] = set()
                for done in depends_on.get(current, ()):
                    if done in ran:
                        found.add(done)
                    else:
                        found |= memo[done]
                memo[current] = frozenset(found)
            elif parent in on_path:
                raise _cycle_error(manifest, [*path[path.index(parent) :], parent])
            elif parent not in ran and parent not in memo:
                path.append(parent)
                on_path.add(parent)
                pending_parents.append(iter(depends_on.get(parent, ())))
        return memo[unique_id]

    parents: dict[str, set[str]] = {}
    for unique_id in ran:
        found: set[str] = set()
        for parent in depends_on.get(unique_id, ()):
            if parent in ran:
                found.add(parent)
            else:
                found |= memo[parent] if parent in memo else executed_ancestors(parent)
        parents[unique_id] = found
    _add_hook_edges(parents, hooks or RunHooks())
    return _finish(parents, manifest)


def _add_hook_edges(parents: dict[str, set[str]], hooks: RunHooks) -> None:
    # Hooks run one after another; nodes run after the last start hook, end hooks after them all.
    hook_ids = {*hooks.start, *hooks.end}
    nodes = {uid for uid in parents if uid not in hook_ids}
    for index, hook in enumerate(hooks.start):
        parents[hook] = {hooks.start[index - 1]} if index else set()
    if hooks.start:
        for uid in nodes:
            parents[uid].add(hooks.start[-1])
    for index, hook in enumerate(hooks.end):
        if index:
            parents[hook] = {hooks.end[index - 1]}
        else:
            parents[hook] = set(nodes) if nodes else set(hooks.start[-1:])


def _cycle_error(manifest: Manifest, dependents_first: list[str]) -> InputFileError:
    # Each node of `dependents_first` depends on the next; shown upstream first, like the critical path.
    return InputFileError(
        manifest.path,
        f"dependency cycle {' -> '.join(reversed(dependents_first))} "
        "(dbt never writes one: was the manifest edited by hand?)",
    )


def _finish(parents: dict[str, set[str]], manifest: Manifest) -> RunGraph:
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
        # The nodes left each wait for another node left: following those waits must come back
        # round; the longest path would otherwise walk such a cycle forever.
        left = {node for node, degree in indegree.items() if degree > 0}
        walked = [min(left)]
        while (parent := min(p for p in parents[walked[-1]] if p in left)) not in walked:
            walked.append(parent)
        raise _cycle_error(manifest, [*walked[walked.index(parent) :], parent])
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
