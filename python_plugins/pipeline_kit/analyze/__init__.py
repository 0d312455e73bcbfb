"""The dbt artifact analyzer: bottlenecks, critical path, thread use, cost, history and CI gates.

Python API: `run_analysis(AnalyzeRequest(...))` does what the CLI does; `load_run` +
`analyze_run` give the raw `Analysis` without history or files.
"""

from pipeline_kit.analyze.engine import Analysis, AnalysisOptions, DbtRun, analyze_run, load_run
from pipeline_kit.analyze.pipeline import AnalyzeOutcome, AnalyzeRequest, run_analysis

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
