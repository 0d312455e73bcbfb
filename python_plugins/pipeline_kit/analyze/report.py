"""The analysis as one JSON-ready document (schema documented in docs/analyzer.md).

Every renderer (terminal, Markdown, HTML) reads this document, so all outputs agree and the
JSON file is exactly what the other outputs show.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline_kit import __version__
from pipeline_kit.analyze.engine import Analysis
from pipeline_kit.analyze.history import FAILED, NodeTrend, Regression
from pipeline_kit.analyze.recommend import Recommendation

REPORT_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class HistoryFacts:
    path: Path
    runs: int
    window: int
    trends: Mapping[str, NodeTrend]
    regressions: Sequence[Regression]


@dataclass(frozen=True)
class GateOutcome:
    rule: str
    threshold: float
    actual: float
    passed: bool
    detail: str


def _round(value: float | None, digits: int = 4) -> float | None:
    # strict JSON has no Infinity or NaN (a slowdown from a 0 s baseline, a sum that overflowed):
    # they are null in the report, which JSON.parse and every reader accept
    return None if value is None or not math.isfinite(value) else round(value, digits)


def build_report(
    analysis: Analysis,
    recommendations: Sequence[Recommendation],
    history: HistoryFacts | None,
    gates: Sequence[GateOutcome] = (),
    top: int = 10,
) -> dict[str, Any]:
    run = analysis.run
    timeline = analysis.timeline
    critical = set(analysis.critical_path.nodes)
    trends = history.trends if history else {}
    costs = analysis.cost.nodes
    catalog = run.catalog
    nodes = sorted(timeline.nodes, key=lambda n: (-n.execution_s, n.unique_id))
    by_status: dict[str, int] = {}
    for node in timeline.nodes:
        by_status[node.status] = by_status.get(node.status, 0) + 1
    idle_by_blocker: dict[str, list[float]] = {}
    unattributed = 0.0
    for gap in timeline.gaps:
        if gap.blocked_by is None:
            unattributed += gap.duration_s
        else:
            idle_by_blocker.setdefault(gap.blocked_by, []).append(gap.duration_s)
    blockers = sorted(idle_by_blocker.items(), key=lambda item: -sum(item[1]))
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "generated_by": f"pipeline-kit {__version__}",
        "run": {
            "invocation_id": run.run_results.invocation_id,
            "project": run.manifest.project_name,
            "dbt_version": run.run_results.dbt_version or run.manifest.dbt_version,
            "adapter": analysis.cost.adapter,
            "command": run.run_results.command,
            "generated_at": run.run_results.generated_at.isoformat()
            if run.run_results.generated_at
            else None,
            "threads": timeline.thread_count,
            "wall_s": _round(timeline.wall_s),
            "manifest_schema_version": run.manifest.schema_version,
            "run_results_schema_version": run.run_results.schema_version,
        },
        "summary": {
            "nodes": len(timeline.nodes),
            "by_status": dict(sorted(by_status.items())),
            "time_by_resource_type": {
                k: _round(v) for k, v in sorted(analysis.time_by_resource_type().items())
            },
            "compile_s": _round(sum(n.compile_s for n in timeline.nodes)),
            "execute_s": _round(sum(n.execute_s for n in timeline.nodes)),
            "utilization": _round(timeline.utilization),
            "average_parallelism": _round(timeline.average_parallelism),
            "peak_parallelism": timeline.peak_parallelism,
            "source_freshness": _freshness(analysis),
        },
        "critical_path": {
            "length_s": _round(analysis.critical_path.length_s),
            "share_of_wall": _round(analysis.critical_path.share_of_wall),
            "nodes": list(analysis.critical_path.nodes),
        },
        "threads": [
            {
                "thread_id": t.thread_id,
                "busy_s": _round(t.busy_s),
                "idle_s": _round(t.idle_s),
                "utilization": _round(t.utilization),
                "node_count": t.node_count,
            }
            for t in timeline.threads
        ],
        "idle": {
            "total_s": _round(sum(g.duration_s for g in timeline.gaps)),
            "unattributed_s": _round(unattributed),
            "by_blocker": [
                {"unique_id": uid, "idle_s": _round(sum(durations)), "gaps": len(durations)}
                for uid, durations in blockers[:top]
            ],
        },
        "nodes": [
            {
                "unique_id": n.unique_id,
                "name": n.name,
                "resource_type": n.resource_type,
                "materialized": n.materialized,
                "status": n.status,
                "thread_id": n.thread_id,
                "start_s": _round(n.start_s),
                "end_s": _round(n.end_s),
                "execution_s": _round(n.execution_s),
                "compile_s": _round(n.compile_s),
                "execute_s": _round(n.execute_s),
                "on_critical_path": n.unique_id in critical,
                "cost": _round(costs[n.unique_id].amount, 6) if n.unique_id in costs else None,
                "cost_basis": costs[n.unique_id].basis if n.unique_id in costs else None,
                # how the amount was reached (e.g. which queries of a QUERY_HISTORY export were summed)
                "cost_detail": costs[n.unique_id].detail if n.unique_id in costs else None,
                "p50_s": _round(trends[n.unique_id].p50_s) if n.unique_id in trends else None,
                "p95_s": _round(trends[n.unique_id].p95_s) if n.unique_id in trends else None,
                "flaky": trends[n.unique_id].flaky if n.unique_id in trends else False,
                "relation_type": catalog[n.unique_id].relation_type if n.unique_id in catalog else None,
                "rows": catalog[n.unique_id].row_count if n.unique_id in catalog else None,
                "bytes": catalog[n.unique_id].num_bytes if n.unique_id in catalog else None,
            }
            for n in nodes
        ],
        "slowest": [n.unique_id for n in nodes[:top]],
        "failed": sorted(n.unique_id for n in timeline.nodes if n.status in FAILED),
        "skipped": sorted(n.unique_id for n in timeline.nodes if n.status == "skipped"),
        "flaky": sorted(uid for uid, trend in trends.items() if trend.flaky),
        "what_if": [
            {
                "unique_id": w.unique_id,
                "faster_pct": w.faster_pct,
                "predicted_wall_s": _round(w.predicted_wall_s),
                "saved_s": _round(w.saved_s),
            }
            for w in analysis.what_ifs
        ],
        "cost": {
            "adapter": analysis.cost.adapter,
            "currency": analysis.cost.currency,
            "basis": analysis.cost.basis,
            "method": analysis.cost.method,
            "per_run": _round(analysis.cost.per_run, 6),
            "per_month": _round(analysis.cost.per_month, 4),
            "runs_per_day": analysis.cost.runs_per_day,
            "credits_per_run": _round(sum(c.credits for c in costs.values() if c.credits is not None), 6)
            if any(c.credits is not None for c in costs.values())
            else None,
        },
        "recommendations": [
            {"kind": r.kind, "title": r.title, "evidence": r.evidence, "nodes": list(r.nodes)}
            for r in recommendations
        ],
        "history": None
        if history is None
        else {
            "path": str(history.path),
            "runs": history.runs,
            "window": history.window,
            "regressions": [
                {
                    "unique_id": r.unique_id,
                    "baseline_s": _round(r.baseline_s),
                    "current_s": _round(r.current_s),
                    "change_pct": _round(r.change_pct, 2),
                }
                for r in history.regressions
            ],
        },
        "gates": [
            {
                "rule": g.rule,
                "threshold": g.threshold,
                "actual": _round(g.actual),
                "passed": g.passed,
                "detail": g.detail,
            }
            for g in gates
        ],
        "warnings": list(run.warnings),
    }


def _freshness(analysis: Analysis) -> dict[str, int]:
    counts: dict[str, int] = {}
    for source in analysis.run.sources:
        counts[source.status] = counts.get(source.status, 0) + 1
    return dict(sorted(counts.items()))
