"""dbt commands that write run_results.json without running any node, and what to tell the user.

`dbt docs generate`, `compile`, `show`, `run-operation`, `parse` and `list` all (over)write
target/run_results.json. Their timings are compile times or one macro call: analyzed, they
described no run, and recorded they became a fast baseline and counted as rebuilds. The usual
cause in CI is `dbt build && dbt docs generate && pipeline-kit analyze target/`, where docs
generate replaced the build's file; the message says how to keep it.
"""

from __future__ import annotations

from pipeline_kit.artifacts import RunResults
from pipeline_kit.errors import InputFileError

# args.which -> (the command as typed, what it does instead of running nodes)
RUNS_NO_NODES: dict[str, tuple[str, str]] = {
    "generate": ("dbt docs generate", "compiles the nodes but runs none"),
    "compile": ("dbt compile", "compiles the nodes but runs none"),
    "show": ("dbt show", "previews a query and builds nothing"),
    "run-operation": ("dbt run-operation", "runs one macro and no nodes"),
    "parse": ("dbt parse", "only parses the project"),
    "list": ("dbt list", "only lists nodes"),
    "ls": ("dbt list", "only lists nodes"),
}


def refuse_runs_of_no_nodes(run_results: RunResults) -> None:
    """Raise InputFileError (exit 2) when run_results.json was written by a command that runs no
    nodes. `which` is checked, not `command`: a `dbt retry` of a compile runs no nodes either."""
    if run_results.which not in RUNS_NO_NODES:
        return
    typed, what_it_does = RUNS_NO_NODES[run_results.which]
    raise InputFileError(
        run_results.path,
        f"written by `{typed}`, which {what_it_does}, not by a dbt build, run, test, seed or snapshot: "
        f"nothing to analyze. Analyze the run's own artifacts: copy run_results.json and "
        f"manifest.json out of the target directory before `{typed}`, or give it another "
        "--target-path",
    )
