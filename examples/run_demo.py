"""`make demo`: build the example sales warehouse on DuckDB, run the plugins, say where things are.

Loads the raw CDC feed batch by batch (as a scheduler would), runs every test on the last
batch, then runs pipeline_kit's Python plugins on the build's artifacts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent
PROJECT = EXAMPLES / "sales_warehouse"
REPO_ROOT = EXAMPLES.parent
BIN_DIR = Path(sys.executable).parent
WAREHOUSE = PROJECT / "sales_warehouse.duckdb"
TARGET = PROJECT / "target"
BATCHES = 4


def dbt(*args: str, batch: int | None = None) -> None:
    """Invoke dbt in this process (dbt is imported once, so each batch costs only its run)."""
    from dbt.cli.main import dbtRunner

    command = ["--quiet", *args, "--project-dir", str(PROJECT), "--profiles-dir", str(PROJECT)]
    if batch is not None:
        command += ["--vars", json.dumps({"demo_batch": batch})]
    result = dbtRunner().invoke(command)
    if not result.success:
        sys.exit(f"demo: `dbt {' '.join(args)}` failed (batch {batch}); dbt's errors are above")


def summarize_run_results() -> tuple[dict[str, int], dict[str, int]]:
    results = json.loads((TARGET / "run_results.json").read_text())["results"]
    built: dict[str, int] = {}
    tests: dict[str, int] = {}
    for result in results:
        kind = result["unique_id"].split(".")[0]
        bucket = tests if kind == "test" else built
        key = kind if kind != "test" else result["status"]
        bucket[key] = bucket.get(key, 0) + 1
    return built, tests


def run_plugin(*args: str, stream: str = "stderr") -> str:
    """Run a `pipeline-kit` command; return what it reported writing (on `stream`), or stop."""
    command = [str(BIN_DIR / "pipeline-kit"), *args]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout[-4000:] + completed.stderr[-2000:])
        sys.exit(f"demo: `pipeline-kit {' '.join(args)}` failed with exit code {completed.returncode}")
    reported = completed.stderr if stream == "stderr" else completed.stdout
    return reported.strip().removeprefix(f"pipeline-kit {args[0]}: ")


def print_quality_scorecard() -> None:
    """The five-dimension scorecard of this build's tests. In this process, because dbt-duckdb
    still holds the warehouse file open here and the scorecard re-reads test results from it."""
    from pipeline_kit.cli import main as pipeline_kit

    print()
    code = pipeline_kit(["quality", "--target-dir", str(TARGET), "--duckdb", str(WAREHOUSE)])
    if code != 0:
        sys.exit(f"demo: `pipeline-kit quality` failed with exit code {code}")


def main() -> int:
    os.environ.setdefault("SALES_WAREHOUSE_PATH", str(WAREHOUSE))
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    started = time.perf_counter()
    if WAREHOUSE.exists():
        WAREHOUSE.unlink()  # the demo always starts from an empty warehouse
    print(f"demo: building {PROJECT.relative_to(REPO_ROOT)} on DuckDB ({BATCHES} CDC batches)")
    dbt("deps")
    dbt("seed", "--full-refresh")
    for batch in range(1, BATCHES):
        dbt("run", batch=batch)
        print(f"  batch {batch}: loaded")
    dbt("build", "--exclude", "resource_type:seed", batch=BATCHES)
    print(f"  batch {BATCHES}: loaded and tested")
    built, tests = summarize_run_results()
    print_quality_scorecard()
    analysis = run_plugin("analyze", str(TARGET), "--threads", "4", "--format", "none")

    print()
    print(f"demo: done in {time.perf_counter() - started:.0f}s")
    print("  built:  " + ", ".join(f"{count} {kind}s" for kind, count in sorted(built.items())))
    print("  tests:  " + ", ".join(f"{count} {status}" for status, count in sorted(tests.items())))
    print(f"  warehouse (DuckDB file): {WAREHOUSE.relative_to(REPO_ROOT)}")
    print(f"  dbt artifacts: {TARGET.relative_to(REPO_ROOT)}/manifest.json, run_results.json")
    print("  query it:")
    query = "select * from fct_daily_revenue limit 10"
    path = WAREHOUSE.relative_to(REPO_ROOT)
    snippet = f"import duckdb; print(duckdb.connect('{path}', read_only=True).sql('{query}'))"
    print(f'    .venv/bin/python -c "{snippet}"')
    dags_dir = PROJECT / "dags"
    dag_files = run_plugin(
        "airflow",
        "generate",
        "--manifest",
        str(TARGET / "manifest.json"),
        "--out",
        str(dags_dir),
        "--dag-id",
        "sales_warehouse",
        "--granularity",
        "group",
        "--dbt-executable",
        str(BIN_DIR / "dbt"),
        "--project-dir",
        str(PROJECT),
        "--profiles-dir",
        str(PROJECT),
        stream="stdout",
    )
    report = json.loads((TARGET / "pipeline_kit" / "analysis.json").read_text())
    path = report["critical_path"]
    print(
        f"  run analysis: wall {report['run']['wall_s']:.1f}s, critical path {len(path['nodes'])} nodes "
        f"= {path['share_of_wall']:.0%} of wall time"
    )
    print(f"    {analysis}")
    print(f"  Airflow DAG (one task per folder): {dag_files}")
    print(f"  quality reports: {(TARGET / 'quality').relative_to(REPO_ROOT)}/quality.md, quality.html")
    failed = sum(count for status, count in tests.items() if status not in {"pass", "success"})
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
