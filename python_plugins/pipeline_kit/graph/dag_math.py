"""Directed-graph helpers: deterministic topological order, cycle reports, transitive reduction."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping

from pipeline_kit.errors import PipelineKitError


class CycleError(PipelineKitError):
    pass


def topological_order(
    upstream: Mapping[str, Iterable[str]], what: str = "nodes", sort_key: Mapping[str, str] | None = None
) -> list[str]:
    """Kahn's algorithm, ties broken by `sort_key` (default: the name) so the order is stable."""
    keys = sort_key or {}
    parents = {node: set(ups) & upstream.keys() for node, ups in upstream.items()}
    children: dict[str, list[str]] = {node: [] for node in parents}
    for node, ups in parents.items():
        for parent in ups:
            children[parent].append(node)
    ready = [(keys.get(node, node), node) for node, ups in parents.items() if not ups]
    heapq.heapify(ready)
    remaining = {node: len(ups) for node, ups in parents.items()}
    order: list[str] = []
    while ready:
        _, node = heapq.heappop(ready)
        order.append(node)
        for child in children[node]:
            remaining[child] -= 1
            if remaining[child] == 0:
                heapq.heappush(ready, (keys.get(child, child), child))
    if len(order) != len(parents):
        cycle = find_cycle({node: parents[node] for node in parents if remaining[node] > 0})
        raise CycleError(f"cycle between {what}: {' -> '.join(cycle)}")
    return order


def find_cycle(upstream: Mapping[str, Iterable[str]]) -> list[str]:
    """One cycle of a graph known to contain one, as a closed path (first == last)."""
    parents = {node: sorted(set(ups) & upstream.keys()) for node, ups in upstream.items()}
    start = min(parents)
    path: list[str] = []
    position: dict[str, int] = {}
    node = start
    while node not in position:
        position[node] = len(path)
        path.append(node)
        node = parents[node][0]
    cycle = [*path[position[node] :], node]
    cycle.reverse()  # walked along parent links; report in dependency direction
    return cycle


def transitive_reduction(order: list[str], upstream: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Drop every edge implied by a longer path. `order` must be a topological order.

    Ancestor sets are Python ints used as bitsets, so 5,000 nodes reduce in milliseconds.
    """
    index = {node: i for i, node in enumerate(order)}
    ancestors: dict[str, int] = {}
    reduced: dict[str, list[str]] = {}
    for node in order:
        parents = sorted(set(upstream.get(node, ())), key=index.__getitem__, reverse=True)
        covered = 0
        kept: list[str] = []
        for parent in parents:
            bit = 1 << index[parent]
            if not covered & bit:
                kept.append(parent)
            covered |= bit | ancestors[parent]
        ancestors[node] = covered
        reduced[node] = sorted(kept, key=index.__getitem__)
    return reduced
