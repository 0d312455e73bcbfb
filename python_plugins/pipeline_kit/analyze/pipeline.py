"""Everything `pipeline-kit analyze` does, as one Python call: read, analyze, record, report, write."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from pipeline_kit.analyze.cost import CostSettings
from pipeline_kit.analyze.engine import AnalysisOptions, analyze_run, load_run
from pipeline_kit.analyze.gates import GateFacts, evaluate_gates, parse_gates, refuse_unpriced_cost_gates
from pipeline_kit.analyze.history import HistoryStore, Regression
from pipeline_kit.analyze.recommend import recommend
from pipeline_kit.analyze.render_html import render_html
from pipeline_kit.analyze.render_markdown import render_markdown
from pipeline_kit.analyze.report import HistoryFacts, build_report
from pipeline_kit.errors import InputFileError


@dataclass(frozen=True)
class AnalyzeRequest:
    target: Path
    output_dir: Path | None
    manifest: Path | None = None
    run_results: Path | None = None
    top: int = 10
    threads: int | None = None
    what_if: Sequence[tuple[str, float]] = ()
    cost: CostSettings = field(default_factory=CostSettings)
    history_path: Path | None = None
    window: int = 30
    regression_pct: float = 20.0
    regression_min_s: float = 1.0
    fail_on: Sequence[str] = ()


@dataclass(frozen=True)
class AnalyzeOutcome:
    report: dict[str, Any]
    written: tuple[Path, ...]


@contextmanager
def _garbage_collector_paused() -> Iterator[None]:
    # A 10,000-node manifest is millions of small objects that live until we exit; the cyclic
    # collector would re-scan them again and again (about a fifth of the run) and free nothing.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_analysis(request: AnalyzeRequest, progress_console: Console | None = None) -> AnalyzeOutcome:
    with _garbage_collector_paused():
        return _run_analysis(request, progress_console)


def _run_analysis(request: AnalyzeRequest, progress_console: Console | None) -> AnalyzeOutcome:
    gates = parse_gates(request.fail_on)  # fail on a typo before doing any work
    console = progress_console or Console(stderr=True)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        step = progress.add_task("reading artifacts", total=None)
        run = load_run(request.target, request.manifest, request.run_results)
        progress.update(step, description="analyzing the run")
        analysis = analyze_run(
            run,
            AnalysisOptions(
                cost=request.cost, what_if=request.what_if, top=request.top, threads=request.threads
            ),
        )
        refuse_unpriced_cost_gates(gates, analysis)  # before the run is recorded
        history: HistoryFacts | None = None
        slowdowns: list[Regression] = []
        baseline_runs = 0
        # a run under --empty / --sample, or one that ran nothing (`--select` matched no node),
        # would become a fast baseline and flag the next real run
        recordable = bool(run.run_results.results) and not run.run_results.limited_by
        if request.history_path is not None and recordable:
            progress.update(step, description="recording history")
            project = run.manifest.project_name
            with HistoryStore(request.history_path) as store:
                store.record(analysis, project)
                trends = store.trends(project, request.window, until=run.run_results.generated_at)
                # every slowdown: the gates say which ones --regression-min-s leaves out
                slowdowns = store.regressions(analysis, project, request.window, 0.0, 0.0)
                runs = store.run_count(project)
                # regressions compare with earlier runs of the same dbt command only
                baseline_runs = store.baseline_count(analysis, project, request.window)
            history = HistoryFacts(
                path=request.history_path,
                runs=runs,
                window=request.window,
                trends=trends,
                regressions=[
                    r
                    for r in slowdowns
                    if r.change_pct > request.regression_pct
                    and r.current_s - r.baseline_s >= request.regression_min_s
                ],
            )
        rebuilds = {uid: (t.rebuilt, t.runs) for uid, t in history.trends.items()} if history else None
        recommendations = recommend(analysis, rebuilds)
        has_baseline = history is not None and baseline_runs > 0
        outcomes = evaluate_gates(
            gates, GateFacts(analysis, slowdowns, has_baseline, request.regression_min_s)
        )
        report = build_report(analysis, recommendations, history, outcomes, top=request.top)
        progress.update(step, description="writing reports")
        written = _write(report, request.output_dir, request.top) if request.output_dir else ()
    return AnalyzeOutcome(report, written)


def _write(report: dict[str, Any], output_dir: Path, top: int) -> tuple[Path, ...]:
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        paths = (output_dir / "analysis.json", output_dir / "analysis.md", output_dir / "analysis.html")
        # Compact: with `indent`, json falls back to its pure-Python encoder (seconds at 10k nodes).
        report_json = json.dumps(report, separators=(",", ":"), allow_nan=False)
        paths[0].write_text(report_json + "\n", encoding="utf-8")
        paths[1].write_text(render_markdown(report, top=top), encoding="utf-8")
        paths[2].write_text(render_html(report, report_json), encoding="utf-8")
    except OSError as error:
        raise InputFileError(output_dir, f"cannot write the reports ({error.strerror})") from None
    return paths
