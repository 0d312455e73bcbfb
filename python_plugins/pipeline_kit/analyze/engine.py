"""The analyzer's Python API: `load_run(target_dir)` then `analyze_run(run, options)`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline_kit.analyze.cost import CostReport, CostSettings, estimate_costs
from pipeline_kit.analyze.dag import RunGraph, build_run_graph, longest_path, simulate_wall_time
from pipeline_kit.analyze.dbt_commands import refuse_runs_of_no_nodes
from pipeline_kit.analyze.hooks import split_hooks
from pipeline_kit.analyze.timeline import NodeRun, Timeline, build_node_runs, build_timeline
from pipeline_kit.artifacts import (
    CatalogEntry,
    Manifest,
    RunResults,
    SourceFreshness,
    read_catalog,
    read_manifest,
    read_run_results,
)
from pipeline_kit.artifacts.sources import read_sources_artifact
from pipeline_kit.errors import InputFileError, PipelineKitError

# When more than this share of run_results' nodes are unknown to the manifest, the two files
# cannot describe the same project (a few may be missing after a model was deleted and re-parsed).
MAX_UNKNOWN_SHARE = 0.5
DEFAULT_WHAT_IF_PCT = 50.0


@dataclass(frozen=True)
class DbtRun:
    """The artifacts of one dbt invocation, read and cross-checked."""

    manifest: Manifest
    run_results: RunResults
    sources: tuple[SourceFreshness, ...] = ()
    catalog: Mapping[str, CatalogEntry] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class WhatIf:
    unique_id: str
    faster_pct: float
    predicted_wall_s: float
    saved_s: float


@dataclass(frozen=True)
class CriticalPath:
    nodes: tuple[str, ...]
    length_s: float
    share_of_wall: float


@dataclass(frozen=True)
class AnalysisOptions:
    cost: CostSettings = field(default_factory=CostSettings)
    # (unique_id or name, percent faster); empty: the slowest critical-path nodes at 50%.
    what_if: Sequence[tuple[str, float]] = ()
    top: int = 10
    # dbt records `threads` in run_results only when it was passed on the command line; when it
    # came from profiles.yml, the caller can say so, else the distinct thread ids are counted.
    threads: int | None = None


@dataclass(frozen=True)
class Analysis:
    run: DbtRun
    timeline: Timeline
    graph: RunGraph
    critical_path: CriticalPath
    cost: CostReport
    what_ifs: tuple[WhatIf, ...]

    @property
    def node_by_id(self) -> dict[str, NodeRun]:
        return {node.unique_id: node for node in self.timeline.nodes}

    def nodes_with_status(self, *statuses: str) -> list[NodeRun]:
        return [node for node in self.timeline.nodes if node.status in statuses]

    def time_by_resource_type(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for node in self.timeline.nodes:
            totals[node.resource_type] = totals.get(node.resource_type, 0.0) + node.execution_s
        return totals


def load_run(
    target_dir: Path, manifest_path: Path | None = None, run_results_path: Path | None = None
) -> DbtRun:
    """Read the artifacts in `target_dir` (sources.json and catalog.json only when present)."""
    if not target_dir.is_dir() and manifest_path is None:
        raise InputFileError(target_dir, "not a directory (pass dbt's target/ directory)")
    manifest = read_manifest(manifest_path or target_dir / "manifest.json")
    run_results = read_run_results(run_results_path or target_dir / "run_results.json")
    # before the project check: a run-operation's one result is a macro, never in the manifest
    refuse_runs_of_no_nodes(run_results)
    unknown = [r.unique_id for r in run_results.results if r.unique_id not in manifest.nodes]
    if run_results.results and len(unknown) / len(run_results.results) > MAX_UNKNOWN_SHARE:
        raise InputFileError(
            run_results.path,
            f"{len(unknown)} of {len(run_results.results)} results (e.g. {unknown[0]}) are not in "
            f"{manifest.path}: the two files come from different projects",
        )
    warnings = []
    if unknown:
        warnings.append(
            f"{len(unknown)} results are not in the manifest (deleted since?): "
            "timed but not placed in the DAG"
        )
    if not run_results.results:
        warnings.append(
            f"{run_results.path}: the run has no results (its selection matched nothing?), so it is "
            "not recorded in history"
        )
    if run_results.limited_by:
        warnings.append(
            f"{run_results.path}: a run under {run_results.limited_by} (its models read no rows or a "
            "sample): its timings do not describe real runs, so it is not recorded in history"
        )
    for artifact in (manifest, run_results):
        if artifact.newer_than_tested:
            warnings.append(
                f"{artifact.path}: schema v{artifact.schema_version} is newer than tested; read anyway"
            )
    unreadable = [r for r in run_results.results if r.unreadable_timing]
    if unreadable:
        warnings.append(
            f"{run_results.path}: {unreadable[0].unique_id} has a timing value that is not a "
            f"timestamp ({unreadable[0].unreadable_timing!r})"
            + (f", and {len(unreadable) - 1} more nodes" if len(unreadable) > 1 else "")
            + ": left off the timeline and the wall time"
        )
    concurrent = concurrent_microbatch_nodes(manifest, run_results)
    if concurrent:
        warnings.append(
            f"{concurrent[0]}"
            + (f" and {len(concurrent) - 1} more microbatch models" if len(concurrent) > 1 else "")
            + " ran batches that dbt may run on several threads at once (`concurrent_batches`), "
            "while run_results.json places each model on one thread: per-thread busy and idle "
            "time undercount them, and no thread advice is given"
        )
    sources_path, catalog_path = target_dir / "sources.json", target_dir / "catalog.json"
    sources = _same_invocation_sources(sources_path, run_results, warnings)
    return DbtRun(
        manifest=manifest,
        run_results=run_results,
        sources=sources,
        catalog=read_catalog(catalog_path) if catalog_path.is_file() else {},
        warnings=tuple(warnings),
    )


def concurrent_microbatch_nodes(manifest: Manifest, run_results: RunResults) -> list[str]:
    """Models whose several batches may have run concurrently on threads run_results does not show:
    `concurrent_batches` true, or unset (dbt then decides) in a run with more than one thread."""
    several_threads = (run_results.threads or 1) > 1
    found = []
    for result in run_results.results:
        node = manifest.nodes.get(result.unique_id)
        if result.batches < 2 or node is None or node.concurrent_batches is False:
            continue
        if node.concurrent_batches or several_threads:
            found.append(result.unique_id)
    return sorted(found)


def _same_invocation_sources(
    path: Path, run_results: RunResults, warnings: list[str]
) -> tuple[SourceFreshness, ...]:
    """The freshness results in `path` when the run wrote them. `dbt source freshness` leaves its
    sources.json in target/ for every later run to find; counting it would report another
    invocation's freshness as this run's. Without an invocation id on either side, we cannot tell
    and keep it."""
    if not path.is_file():
        return ()
    sources = read_sources_artifact(path)
    if (
        sources.invocation_id
        and run_results.invocation_id
        and sources.invocation_id != run_results.invocation_id
    ):
        warnings.append(
            f"{path}: written by another dbt invocation ({sources.invocation_id}, e.g. an earlier "
            f"`dbt source freshness`) than {run_results.path.name} ({run_results.invocation_id}); "
            "its source freshness results are left out"
        )
        return ()
    return sources.results


def analyze_run(run: DbtRun, options: AnalysisOptions | None = None) -> Analysis:
    options = options or AnalysisOptions()
    node_runs = build_node_runs(run.run_results, run.manifest)
    ran_resource_types = {node.resource_type for node in node_runs}
    # `which`, not `command`: a `dbt retry` of a build runs its nodes in build order
    which = run.run_results.which or run.run_results.command
    is_build = which == "build" or (not which and {"test", "model"} <= ran_resource_types)
    hooks = split_hooks(node_runs)
    graph = build_run_graph(run.manifest, (n.unique_id for n in node_runs), is_build, hooks)
    threads = options.threads or run.run_results.threads
    timeline = build_timeline(node_runs, graph.parents, threads, run.run_results.elapsed_time)
    durations = {node.unique_id: _timed_span(node) for node in node_runs}
    path, length = longest_path(graph, durations)
    critical = CriticalPath(path, length, _share(length, timeline.wall_s))
    warehouses = {uid: node.warehouse for uid, node in run.manifest.nodes.items() if node.warehouse}
    cost = estimate_costs(node_runs, warehouses, run.manifest.adapter_type, options.cost, run.run_results)
    requests = list(options.what_if) or [
        (uid, DEFAULT_WHAT_IF_PCT) for uid in sorted(path, key=lambda u: -durations.get(u, 0.0))[:3]
    ]
    what_ifs = _what_ifs(graph, node_runs, durations, timeline, requests)
    return Analysis(run, timeline, graph, critical, cost, what_ifs)


def _timed_span(node: NodeRun) -> float:
    """The node's seconds on the timeline, which the wall time is measured on. dbt's
    execution_time also counts some work outside them, so a chain of execution_times could be
    longer than the run; it stands in only for a node without timing."""
    if node.start_s is not None and node.end_s is not None:
        return max(node.end_s - node.start_s, 0.0)
    return node.execution_s


def _share(path_s: float, wall_s: float) -> float:
    # At most 1: where the manifest's dependencies overstate what dbt waited for (a node started
    # before a "parent" ended), the chain of spans can still be longer than the run.
    return min(path_s / wall_s, 1.0) if wall_s > 0 else 0.0


def _resolve(node: str, node_runs: Sequence[NodeRun]) -> str:
    for run in node_runs:
        if node in (run.unique_id, run.name):
            return run.unique_id
    raise PipelineKitError(f"--what-if {node}: no such node in run_results.json")


def _what_ifs(
    graph: RunGraph,
    node_runs: Sequence[NodeRun],
    durations: Mapping[str, float],
    timeline: Timeline,
    requests: Sequence[tuple[str, float]],
) -> tuple[WhatIf, ...]:
    # Replay the observed schedule with and without each speed-up and apply only the difference
    # to the observed wall time, so dbt's per-node overhead (not simulated) cancels out.
    priority = {n.unique_id: n.start_s if n.start_s is not None else float("inf") for n in node_runs}
    baseline = simulate_wall_time(graph, durations, timeline.thread_count, priority)
    found = []
    for node, faster_pct in requests:
        unique_id = _resolve(node, node_runs)
        faster = dict(durations)
        faster[unique_id] = durations[unique_id] * max(0.0, 1 - faster_pct / 100)
        improved = simulate_wall_time(graph, faster, timeline.thread_count, priority)
        saved = max(baseline - improved, 0.0)
        found.append(WhatIf(unique_id, faster_pct, max(timeline.wall_s - saved, 0.0), saved))
    return tuple(found)
