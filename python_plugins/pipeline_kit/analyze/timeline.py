"""Where each node sat in time and on which thread; thread busy/idle time and who caused idling."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from pipeline_kit.analyze.hooks import hook_phase
from pipeline_kit.artifacts import Manifest, RunResults

# Gaps shorter than this are dbt's own bookkeeping between nodes, not waiting on a dependency.
MIN_IDLE_GAP_S = 0.001


@dataclass(frozen=True)
class NodeRun:
    """One node of the run; `start_s`/`end_s` are seconds from the run's first start (None: no timing)."""

    unique_id: str
    name: str
    resource_type: str
    materialized: str
    status: str
    thread_id: str
    execution_s: float
    compile_s: float
    execute_s: float
    start_s: float | None
    end_s: float | None
    adapter_response: Mapping[str, object]
    message: str
    # "on-run-start" or "on-run-end" for a run hook (see hooks.py), else ""
    run_hook: str = ""


@dataclass(frozen=True)
class ThreadUsage:
    thread_id: str
    busy_s: float
    idle_s: float
    utilization: float
    node_count: int


@dataclass(frozen=True)
class IdleGap:
    """A thread sat idle from start_s to end_s; `blocked_by` is the upstream node whose completion
    released the next node on that thread (None when no dependency explains it, e.g. the tail)."""

    thread_id: str
    start_s: float
    end_s: float
    next_node: str | None
    blocked_by: str | None

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class Timeline:
    nodes: tuple[NodeRun, ...]
    wall_s: float
    thread_count: int
    threads: tuple[ThreadUsage, ...]
    gaps: tuple[IdleGap, ...]
    utilization: float
    average_parallelism: float
    peak_parallelism: int


def build_node_runs(run_results: RunResults, manifest: Manifest) -> tuple[NodeRun, ...]:
    starts = [r.started_at for r in run_results.results if r.started_at is not None]
    origin: datetime | None = min(starts) if starts else None
    runs = []
    for result in run_results.results:
        node = manifest.nodes.get(result.unique_id)
        started, completed = result.started_at, result.completed_at
        placed = origin is not None and started is not None and completed is not None
        resource_type = node.resource_type if node else result.unique_id.split(".", 1)[0]
        runs.append(
            NodeRun(
                unique_id=result.unique_id,
                name=node.name if node else result.unique_id.rsplit(".", 1)[-1],
                resource_type=resource_type,
                materialized=node.materialized if node else "",
                status=result.status,
                thread_id=result.thread_id,
                execution_s=result.execution_time,
                compile_s=result.compile_s,
                execute_s=result.execute_s,
                start_s=(started - origin).total_seconds() if placed and started and origin else None,
                end_s=(completed - origin).total_seconds() if placed and completed and origin else None,
                adapter_response=result.adapter_response,
                message=result.message,
                run_hook=hook_phase(
                    result.unique_id, resource_type, result.thread_id, node.tags if node else ()
                ),
            )
        )
    return tuple(runs)


def build_timeline(
    nodes: Sequence[NodeRun],
    parents: Mapping[str, tuple[str, ...]],
    configured_threads: int | None,
    elapsed_s: float | None,
) -> Timeline:
    placed = [n for n in nodes if n.start_s is not None and n.end_s is not None and n.thread_id]
    # The run's hooks are part of its wall time, but run on dbt's main thread, not a worker.
    wall = max((n.end_s or 0.0 for n in placed), default=0.0)
    if wall <= 0.0:
        wall = elapsed_s or sum(n.execution_s for n in nodes)
    end_of = {n.unique_id: n.end_s for n in placed}
    placed = [n for n in placed if not n.run_hook]
    by_thread: dict[str, list[NodeRun]] = {}
    for node in placed:
        by_thread.setdefault(node.thread_id, []).append(node)
    # Every worker thread that handled a node, also one whose nodes were all skipped (no timing).
    seen_threads = {n.thread_id for n in nodes if n.thread_id and not n.run_hook}
    thread_count = max(configured_threads or 0, len(seen_threads), 1)
    usages: list[ThreadUsage] = []
    gaps: list[IdleGap] = []
    total_busy = 0.0
    for thread_id in sorted(seen_threads, key=_thread_sort_key):
        runs = sorted(by_thread.get(thread_id, ()), key=lambda n: n.start_s or 0.0)
        busy = _merged_length([(n.start_s or 0.0, n.end_s or 0.0) for n in runs])
        total_busy += busy
        usages.append(ThreadUsage(thread_id, busy, max(wall - busy, 0.0), _ratio(busy, wall), len(runs)))
        if runs:  # a thread that only skipped nodes is idle throughout, like an unused one: no gaps
            gaps.extend(_thread_gaps(thread_id, runs, parents, end_of, wall))
    for index in range(len(seen_threads), thread_count):
        # Threads dbt was allowed to use but never did: idle for the whole run.
        usages.append(ThreadUsage(f"(unused thread {index + 1})", 0.0, wall, 0.0, 0))
    return Timeline(
        nodes=tuple(nodes),
        wall_s=wall,
        thread_count=thread_count,
        threads=tuple(usages),
        gaps=tuple(gaps),
        utilization=_ratio(total_busy, wall * thread_count),
        average_parallelism=_ratio(total_busy, wall),
        peak_parallelism=_peak_overlap(placed),
    )


def _thread_gaps(
    thread_id: str,
    runs: Sequence[NodeRun],
    parents: Mapping[str, tuple[str, ...]],
    end_of: Mapping[str, float | None],
    wall: float,
) -> list[IdleGap]:
    gaps: list[IdleGap] = []
    cursor = 0.0
    for node in runs:
        start = node.start_s or 0.0
        if start - cursor > MIN_IDLE_GAP_S:
            gaps.append(
                IdleGap(thread_id, cursor, start, node.unique_id, _blocker(node, cursor, parents, end_of))
            )
        cursor = max(cursor, node.end_s or 0.0)
    if wall - cursor > MIN_IDLE_GAP_S:
        gaps.append(IdleGap(thread_id, cursor, wall, None, None))
    return gaps


def _blocker(
    node: NodeRun,
    gap_start: float,
    parents: Mapping[str, tuple[str, ...]],
    end_of: Mapping[str, float | None],
) -> str | None:
    # The next node could not start before its last parent finished; if that parent finished
    # after the thread went idle, it is what the thread was waiting for. A "parent" that was still
    # running when the node started cannot have held it back (the graph may overstate what dbt
    # waited for), so it is never named.
    started = node.start_s or 0.0
    finished = [
        (end, parent)
        for parent in parents.get(node.unique_id, ())
        if (end := end_of.get(parent)) is not None and end <= started
    ]
    if not finished:
        return None
    last_end, last_parent = max(finished)
    return last_parent if last_end > gap_start else None


def _merged_length(intervals: list[tuple[float, float]]) -> float:
    total, current_start, current_end = 0.0, None, 0.0
    for start, end in sorted(intervals):
        if current_start is None or start > current_end:
            if current_start is not None:
                total += current_end - current_start
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_start is not None:
        total += current_end - current_start
    return total


def _peak_overlap(nodes: Sequence[NodeRun]) -> int:
    events = sorted(
        [(n.start_s or 0.0, 1) for n in nodes] + [(n.end_s or 0.0, -1) for n in nodes],
        key=lambda event: (event[0], event[1]),  # ends before starts at the same instant
    )
    peak = current = 0
    for _, change in events:
        current += change
        peak = max(peak, current)
    return peak


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole > 0 else 0.0


def _thread_sort_key(thread_id: str) -> tuple[int, str]:
    digits = "".join(ch for ch in thread_id.split("(", maxsplit=1)[0] if ch.isdigit())
    return (int(digits) if digits else 1_000_000, thread_id)
