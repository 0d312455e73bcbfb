"""The dbt artifact analyzer: bottlenecks, critical path, thread use, cost, history and CI gates.

Python API: `run_analysis(AnalyzeRequest(...))` does what the CLI does; `load_run` +
`analyze_run` give the raw `Analysis` without history or files.

The names are imported on first use so that `pipeline-kit` (which registers the `analyze`
command) does not pay for DuckDB and the analysis modules when running other subcommands.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline_kit.analyze.engine import Analysis, AnalysisOptions, DbtRun, analyze_run, load_run
    from pipeline_kit.analyze.pipeline import AnalyzeOutcome, AnalyzeRequest, run_analysis

_HOMES = {
    "Analysis": "engine",
    "AnalysisOptions": "engine",
    "DbtRun": "engine",
    "analyze_run": "engine",
    "load_run": "engine",
    "AnalyzeOutcome": "pipeline",
    "AnalyzeRequest": "pipeline",
    "run_analysis": "pipeline",
}

__all__ = [
    "Analysis",
    "AnalysisOptions",
    "AnalyzeOutcome",
    "AnalyzeRequest",
    "DbtRun",
    "analyze_run",
    "load_run",
    "run_analysis",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
