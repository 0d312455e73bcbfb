"""Shared pieces of the benchmarks: options, results, timing, the RESULT line, dbt invocation."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN_DIR = Path(sys.executable).parent
WORK_DIR = REPO_ROOT / ".bench"


@dataclass(frozen=True)
class BenchOptions:
    scale: float = 1.0
    adapters: tuple[str, ...] = ("duckdb", "postgres")
    repeat: int = 1


@dataclass(frozen=True)
class BenchResult:
    """One side-by-side measurement; `label` names the variant (adapter, case)."""

    label: str
    ours_s: float
    baseline_s: float
    baseline_name: str
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.ours_s / self.baseline_s if self.baseline_s > 0 else float("inf")


def timed(action: Callable[[], object], repeat: int = 1) -> float:
    """Median wall time in seconds of `repeat` calls."""
    samples = []
    for _ in range(max(repeat, 1)):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def print_results(name: str, results: Sequence[BenchResult]) -> None:
    print()
    print(f"{'case':<40} {'ours (s)':>10} {'baseline (s)':>13} {'ratio':>7}  baseline")
    for result in results:
        print(
            f"{result.label:<40} {result.ours_s:>10.3f} {result.baseline_s:>13.3f} "
            f"{result.ratio:>7.3f}  {result.baseline_name}"
        )
    for result in results:
        extras = "".join(f" {key}={value}" for key, value in result.extra.items())
        print(
            f"RESULT {name}[{result.label}] ours_s={result.ours_s:.4f} "
            f"baseline_s={result.baseline_s:.4f} ratio={result.ratio:.4f}{extras}"
        )
    if results:
        ours = sum(r.ours_s for r in results)
        baseline = sum(r.baseline_s for r in results)
        print(f"RESULT {name} ours_s={ours:.4f} baseline_s={baseline:.4f} ratio={ours / baseline:.4f}")


def run_dbt(args: Sequence[str], project_dir: Path, env: dict[str, str] | None = None) -> None:
    """Run dbt as a user would; raise with dbt's output when it fails."""
    command = [
        str(BIN_DIR / "dbt"),
        *args,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
    ]
    completed = subprocess.run(
        command, env={**os.environ, **(env or {})}, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"dbt {' '.join(args)} failed:\n{completed.stdout[-4000:]}{completed.stderr[-2000:]}"
        )


@dataclass(frozen=True)
class BenchTarget:
    """A warehouse a benchmark project runs on: DuckDB file in .bench/, or a fresh Postgres schema."""

    adapter: str
    env: dict[str, str]

    def query_scalar(self, sql: str) -> object:
        if self.adapter == "duckdb":
            import duckdb

            with duckdb.connect(self.env["PK_BENCH_DUCKDB_PATH"]) as connection:
                row = connection.execute(sql).fetchone()
        else:
            import psycopg2

            connection = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
            try:
                with connection.cursor() as cursor:
                    cursor.execute(f"set search_path to {self.env['PK_BENCH_SCHEMA']}")
                    cursor.execute(sql)
                    row = cursor.fetchone()
            finally:
                connection.close()
        return row[0] if row else None


def bench_target(adapter: str, name: str) -> BenchTarget:
    WORK_DIR.mkdir(exist_ok=True)
    if adapter == "duckdb":
        path = WORK_DIR / f"{name}.duckdb"
        path.unlink(missing_ok=True)
        return BenchTarget(adapter, {"PK_BENCH_DUCKDB_PATH": str(path)})
    if adapter == "postgres":
        return BenchTarget(adapter, {"PK_BENCH_SCHEMA": f"pk_bench_{name}"})
    raise SystemExit(f"benchmarks: unsupported adapter {adapter!r} (use duckdb or postgres)")


def dbt_node_seconds(
    project_dir: Path, target: BenchTarget, select: Sequence[str], dbt_vars: dict[str, object] | None = None
) -> dict[str, float]:
    """Run the selected models once in this process (dbt imported once) and return each node's
    compile + execute seconds from run_results, so dbt's start-up cost is not in the figure."""
    import json

    from dbt.cli.main import dbtRunner

    os.environ.update(target.env)
    args = ["--quiet", "run", "--select", *select, "--target", target.adapter]
    args += ["--project-dir", str(project_dir), "--profiles-dir", str(project_dir)]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars)]
    result = dbtRunner().invoke(args)
    if not result.success:
        failed = f"benchmark dbt run failed for {list(select)} on {target.adapter}"
        raise RuntimeError(f"{failed}: {result.exception}")
    seconds: dict[str, float] = {}
    for node_result in result.result or []:
        total = sum(
            (timing.completed_at - timing.started_at).total_seconds()
            for timing in node_result.timing
            if timing.started_at and timing.completed_at
        )
        seconds[node_result.node.name] = total
    return seconds


def dbt_deps(project_dir: Path) -> None:
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(
        ["--quiet", "deps", "--project-dir", str(project_dir), "--profiles-dir", str(project_dir)]
    )
    if not result.success:
        raise RuntimeError(f"dbt deps failed in {project_dir}: {result.exception}")
