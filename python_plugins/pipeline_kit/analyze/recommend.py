"""Recommendations, each with the measured evidence that triggered it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pipeline_kit.analyze.engine import Analysis, concurrent_microbatch_nodes
from pipeline_kit.artifacts import Manifest

# A table model is worth making incremental when it is this big a share of the critical path.
INCREMENTAL_MIN_CRITICAL_SHARE = 0.10
INCREMENTAL_MIN_SECONDS = 0.5
VIEW_CHAIN_MIN_LENGTH = 4
# A test is worth narrowing when it took at least this long (shorter ones are timing noise).
EXPENSIVE_TEST_MIN_SECONDS = 1.0
SATURATED_UTILIZATION = 0.85
# A node is worth a recommendation when the threads it kept waiting add up to this share of all
# idle thread time (and at least BLOCKER_MIN_SECONDS).
BLOCKER_MIN_IDLE_SHARE = 0.25
BLOCKER_MIN_SECONDS = 1.0
CRITICAL_PATH_BOUND_SHARE = 0.70


@dataclass(frozen=True)
class Recommendation:
    kind: str  # stable identifier, part of the JSON schema
    title: str
    evidence: str
    nodes: tuple[str, ...]


def recommend(
    analysis: Analysis, rebuilds: Mapping[str, tuple[int, int]] | None = None
) -> list[Recommendation]:
    """`rebuilds[unique_id] = (runs that rebuilt it, runs looked at)` from history, when known."""
    found = _incremental_candidates(analysis, rebuilds or {})
    found += _view_chains(analysis.run.manifest, {node.unique_id for node in analysis.timeline.nodes})
    found += _expensive_tests(analysis)
    found += _blocking_nodes(analysis)
    found += _thread_advice(analysis)
    return found


def _blocking_nodes(analysis: Analysis) -> list[Recommendation]:
    gaps = analysis.timeline.gaps
    total_idle = sum(gap.duration_s for gap in gaps)
    charged: dict[str, list[float]] = {}
    for gap in gaps:
        if gap.blocked_by is not None:
            charged.setdefault(gap.blocked_by, []).append(gap.duration_s)
    nodes = analysis.node_by_id
    found = []
    for unique_id, durations in sorted(charged.items(), key=lambda item: -sum(item[1])):
        idle = sum(durations)
        if total_idle <= 0 or idle < BLOCKER_MIN_SECONDS or idle / total_idle < BLOCKER_MIN_IDLE_SHARE:
            break
        node = nodes.get(unique_id)
        name = node.name if node else unique_id
        took = f", and it took {node.execution_s:.2f} s itself" if node else ""
        found.append(
            Recommendation(
                kind="blocking_node",
                title=f"Speed up or split {name}",
                evidence=f"threads sat idle {idle:.2f} s waiting for it ({len(durations)} gaps, "
                f"{idle / total_idle:.0%} of all idle thread time){took}",
                nodes=(unique_id,),
            )
        )
    return found


def _incremental_candidates(
    analysis: Analysis, rebuilds: Mapping[str, tuple[int, int]]
) -> list[Recommendation]:
    nodes = analysis.node_by_id
    path_length = analysis.critical_path.length_s
    found = []
    for unique_id in analysis.critical_path.nodes:
        node = nodes.get(unique_id)
        if node is None or node.resource_type != "model" or node.materialized != "table":
            continue
        share = node.execution_s / path_length if path_length > 0 else 0.0
        if share < INCREMENTAL_MIN_CRITICAL_SHARE or node.execution_s < INCREMENTAL_MIN_SECONDS:
            continue
        rebuilt, looked_at = rebuilds.get(unique_id, (0, 0))
        rebuilt_text = (
            f"rebuilt in {rebuilt} of the last {looked_at} runs" if looked_at else "rebuilt in full"
        )
        found.append(
            Recommendation(
                kind="make_incremental",
                title=f"Make {node.name} incremental",
                evidence=(
                    f"materialized='table', {rebuilt_text}, "
                    f"{node.execution_s:.2f} s = {share:.0%} of the critical path"
                ),
                nodes=(unique_id,),
            )
        )
    return found


def _view_chains(manifest: Manifest, ran: set[str]) -> list[Recommendation]:
    """Chains of views stacked on views: every query on the last one re-runs all of them. Only
    the views this run built: a `--select` run is not told about the rest of the project."""
    views = {
        uid: node
        for uid in ran
        if (node := manifest.nodes.get(uid)) is not None
        and node.resource_type == "model"
        and node.materialized == "view"
    }
    chain_to: dict[str, tuple[str, ...]] = {}
    walking: set[str] = set()

    def chain(unique_id: str) -> tuple[str, ...]:
        stack = [unique_id]
        while stack:
            current = stack[-1]
            walking.add(current)
            # a parent being walked closes a cycle (the run graph refuses those; kept safe anyway)
            view_parents = [p for p in views[current].depends_on if p in views and p not in walking]
            pending = [p for p in view_parents if p not in chain_to]
            if pending:
                stack.extend(pending)
                continue
            longest = max((chain_to[p] for p in view_parents), key=len, default=())
            chain_to[current] = (*longest, current)
            walking.discard(current)
            stack.pop()
        return chain_to[unique_id]

    has_view_child = {p for node in views.values() for p in node.depends_on if p in views}
    chains = sorted(
        (chain(uid) for uid in views if uid not in has_view_child), key=lambda c: (-len(c), c[-1])
    )
    return [
        Recommendation(
            kind="long_view_chain",
            title=f"{len(found)} views stacked up to {views[found[-1]].name}",
            evidence="every query on the last view re-runs "
            + " -> ".join(views[u].name for u in found)
            + "; materialize one in the middle as a table",
            nodes=found,
        )
        for found in chains[:3]
        if len(found) >= VIEW_CHAIN_MIN_LENGTH
    ]


def _expensive_tests(analysis: Analysis) -> list[Recommendation]:
    nodes = analysis.node_by_id
    manifest = analysis.run.manifest
    costs = analysis.cost.nodes
    found = []
    for test in analysis.timeline.nodes:
        if test.resource_type != "test":
            continue
        definition = manifest.nodes.get(test.unique_id)
        model_id = (definition.attached_node if definition else "") or (
            definition.depends_on[0] if definition and len(definition.depends_on) == 1 else ""
        )
        model = nodes.get(model_id)
        if model is None or model.execution_s <= 0 or test.execution_s <= model.execution_s:
            continue
        if test.execution_s < EXPENSIVE_TEST_MIN_SECONDS:
            continue
        test_cost, model_cost = costs.get(test.unique_id), costs.get(model_id)
        money = (
            f"; {test_cost.amount:.4f} vs {model_cost.amount:.4f} {analysis.cost.currency}"
            if test_cost and model_cost
            else ""
        )
        found.append(
            Recommendation(
                kind="test_costs_more_than_model",
                title=f"Test {test.name} costs more than {model.name}",
                evidence=f"test {test.execution_s:.2f} s vs model {model.execution_s:.2f} s{money}; "
                "narrow it with a `where` config or run it less often",
                nodes=(test.unique_id, model_id),
            )
        )
    return sorted(found, key=lambda r: -nodes[r.nodes[0]].execution_s)


def _thread_advice(analysis: Analysis) -> list[Recommendation]:
    timeline = analysis.timeline
    if not timeline.nodes:
        return []  # nothing ran (an empty selection): nothing to say about threads
    if concurrent_microbatch_nodes(analysis.run.manifest, analysis.run.run_results):
        return []  # their batches used threads run_results does not show (a warning says so)
    configured = timeline.thread_count
    measured = (
        f"{configured} threads configured; at most {timeline.peak_parallelism} nodes ran at once, "
        f"{timeline.average_parallelism:.1f} on average; utilization {timeline.utilization:.0%}"
    )
    if timeline.peak_parallelism < configured:
        return [
            Recommendation(
                kind="threads_unused",
                title=f"Threads above {timeline.peak_parallelism} were never used",
                evidence=measured + "; the DAG's shape, not the thread count, limits this run",
                nodes=(),
            )
        ]
    share = analysis.critical_path.share_of_wall
    if timeline.utilization >= SATURATED_UTILIZATION and share < CRITICAL_PATH_BOUND_SHARE:
        return [
            Recommendation(
                kind="threads_saturated",
                title="More threads would shorten this run",
                evidence=measured + f"; the critical path is only {share:.0%} of the wall time",
                nodes=(),
            )
        ]
    return []
