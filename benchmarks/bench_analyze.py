"""`pipeline-kit analyze` on a synthetic 10,000-node project, and a 1,000-run history query.

Cases (goal: < 3 s end to end and < 500 MB peak RSS; history query < 1 s):
- analyze_10k: `python -m pipeline_kit.cli analyze` in a fresh process (reads, analyzes, records
  history, writes JSON/Markdown/HTML). Baseline: a fresh process that only `json.load`s
  manifest.json and run_results.json, i.e. the floor cost of reading the artifacts at all.
  Peak RSS is the analyzer process's own (os.wait4), not this runner's.
  cpu_s is the analyzer's user+sys CPU time, which does not depend on how busy the machine is.
- history_1000_runs: HistoryStore.trends (p50/p95, pass/fail counts per node) in a history of
  1,000 recorded runs of 10,000 nodes each (10 million rows), over the CLI's default window of
  the last 30 runs; history_1000_runs_full_window: the same over all 1,000 runs. Baseline: all
  the rows grouped with a plain count/avg (no quantiles, no run window), the floor cost of
  touching them once.
"""

from __future__ import annotations

import heapq
import json
import os
import random
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb

from common import REPO_ROOT, WORK_DIR, BenchOptions, BenchResult, timed
from pipeline_kit.analyze.history import HistoryStore

PROJECT = "bench"
THREADS = 8


def _synthetic_project(directory: Path, node_count: int, seed: int = 7) -> None:
    """A layered DAG: ~half models (each on 1-3 earlier nodes), ~half tests, a few seeds,
    scheduled on 8 threads so the timings are consistent with the dependencies."""
    rng = random.Random(seed)
    seeds = max(node_count // 100, 1)
    models = (node_count - seeds) // 2
    tests = node_count - seeds - models
    ids = [f"seed.{PROJECT}.seed_{i}" for i in range(seeds)] + [
        f"model.{PROJECT}.model_{i}" for i in range(models)
    ]
    depends: dict[str, list[str]] = {uid: [] for uid in ids}
    for index in range(seeds, len(ids)):
        window = ids[max(0, index - 400) : index]
        depends[ids[index]] = rng.sample(window, k=min(len(window), rng.randint(1, 3)))
    for index in range(tests):
        model = ids[seeds + rng.randrange(models)]
        test_id = f"test.{PROJECT}.not_null_{index}"
        depends[test_id] = [model]
        ids.append(test_id)
    duration = {
        uid: rng.lognormvariate(-0.5, 1.0) if uid.startswith("model") else rng.uniform(0.05, 0.4)
        for uid in ids
    }

    manifest_nodes = {}
    for uid in ids:
        resource_type, _, name = uid.split(".", 2)
        manifest_nodes[uid] = {
            "unique_id": uid,
            "resource_type": resource_type,
            "name": name,
            "package_name": PROJECT,
            "original_file_path": f"models/{name}.sql",
            "path": f"{name}.sql",
            "depends_on": {"nodes": depends[uid], "macros": ["macro.dbt.run_query"]},
            "config": {
                "materialized": rng.choice(["view", "table", "incremental"])
                if resource_type == "model"
                else resource_type,
                "tags": [],
                "meta": {},
                "enabled": True,
            },
            "tags": [],
            "description": "A synthetic node for the analyzer benchmark. " * 3,
            "raw_code": "select * from {{ ref('upstream') }} where id is not null\n" * 6,
            "columns": {
                f"col_{c}": {"name": f"col_{c}", "description": "", "data_type": None} for c in range(6)
            },
            "fqn": [PROJECT, name],
            "checksum": {"name": "sha256", "checksum": "0" * 64},
        }
    manifest = {
        "metadata": {
            "dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json",
            "dbt_version": "1.11.0",
            "invocation_id": "bench",
            "adapter_type": "snowflake",
            "project_name": PROJECT,
        },
        "nodes": manifest_nodes,
        "sources": {},
        "macros": {},
        "docs": {},
        "exposures": {},
    }

    results = _schedule(ids, depends, duration)
    run_results = {
        "metadata": {
            "dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json",
            "dbt_version": "1.11.0",
            "invocation_id": "bench",
            "generated_at": "2024-01-01T00:00:00Z",
        },
        "results": results,
        "elapsed_time": max(r["_end"] for r in results) + 1.0,
        "args": {"threads": THREADS, "which": "build"},
    }
    for result in results:
        del result["_end"]
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "manifest.json").write_text(json.dumps(manifest))
    (directory / "run_results.json").write_text(json.dumps(run_results))


def _schedule(ids: list[str], depends: dict[str, list[str]], duration: dict[str, float]) -> list[dict]:  # type: ignore[type-arg]
    t0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
    children: dict[str, list[str]] = {uid: [] for uid in ids}
    for uid, parents in depends.items():
        for parent in parents:
            children[parent].append(uid)
    waiting = {uid: len(depends[uid]) for uid in ids}
    ready = [uid for uid in ids if waiting[uid] == 0]
    free = [f"Thread-{i} (worker)" for i in range(THREADS, 0, -1)]
    running: list[tuple[float, str, str]] = []
    now, results = 0.0, []

    def stamp(offset: float) -> str:
        return (t0 + timedelta(seconds=offset)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    while ready or running:
        while free and ready:
            uid, thread = ready.pop(0), free.pop()
            start, end = now + 0.01, now + 0.01 + duration[uid]
            heapq.heappush(running, (end, uid, thread))
            results.append(
                {
                    "unique_id": uid,
                    "status": "pass" if uid.startswith("test") else "success",
                    "thread_id": thread,
                    "execution_time": duration[uid],
                    "message": None,
                    "failures": 0 if uid.startswith("test") else None,
                    "adapter_response": {
                        "_message": "SUCCESS 1",
                        "code": "SUCCESS",
                        "rows_affected": 1,
                        "query_id": f"01b2-{len(results)}",
                    },
                    "timing": [
                        {"name": "compile", "started_at": stamp(start), "completed_at": stamp(start + 0.005)},
                        {"name": "execute", "started_at": stamp(start + 0.005), "completed_at": stamp(end)},
                    ],
                    "compiled_code": "select * from analytics.upstream where id is not null",
                    "_end": end,
                }
            )
        now, finished, thread = heapq.heappop(running)
        free.append(thread)
        for child in children[finished]:
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    return results


def _run_measured(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one fresh child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO_ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}: {error}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # ru_maxrss is KiB on Linux


def _bench_analyze(options: BenchOptions, node_count: int) -> BenchResult:
    directory = WORK_DIR / "analyze" / f"project_{node_count}"
    if not (directory / "run_results.json").exists():
        _synthetic_project(directory, node_count)
    history = directory / "history.duckdb"
    ours_samples, cpu_samples, rss_samples = [], [], []
    for _ in range(max(options.repeat, 1)):
        history.unlink(missing_ok=True)  # record afresh each time: the full CI cost
        seconds, cpu, rss = _run_measured(
            [
                sys.executable,
                "-m",
                "pipeline_kit.cli",
                "analyze",
                str(directory),
                "--history",
                str(history),
                "--format",
                "none",
                "-o",
                str(directory / "report"),
            ]
        )
        ours_samples.append(seconds)
        cpu_samples.append(cpu)
        rss_samples.append(rss)
    floor = "import json, sys; json.load(open(sys.argv[1])); json.load(open(sys.argv[2]))"
    baseline_samples = [
        _run_measured(
            [
                sys.executable,
                "-c",
                floor,
                str(directory / "manifest.json"),
                str(directory / "run_results.json"),
            ]
        )[0]
        for _ in range(max(options.repeat, 1))
    ]
    size_mb = (
        (directory / "manifest.json").stat().st_size + (directory / "run_results.json").stat().st_size
    ) / 1e6
    return BenchResult(
        label=f"analyze_{node_count // 1000}k",
        ours_s=sorted(ours_samples)[len(ours_samples) // 2],
        baseline_s=sorted(baseline_samples)[len(baseline_samples) // 2],
        baseline_name="fresh process json.load of manifest+run_results only",
        extra={
            "nodes": str(node_count),
            "artifacts_mb": f"{size_mb:.1f}",
            "cpu_s": f"{sorted(cpu_samples)[len(cpu_samples) // 2]:.3f}",
            "peak_rss_mb": f"{max(rss_samples):.0f}",
        },
    )


def _bench_history(options: BenchOptions, runs: int, node_count: int, window: int) -> BenchResult:
    path = WORK_DIR / "analyze" / f"history_{runs}x{node_count}.duckdb"
    if not path.exists():
        with HistoryStore(path):
            pass  # creates the schema
        db = duckdb.connect(str(path))
        db.execute(
            "insert into runs select 'inv-' || r, $project, "
            "timestamptz '2024-01-01' + to_minutes(r::bigint), now(), '1.11.0', 8, 600 + r % 17, "
            "400, 0.7, 1.5, 'estimate', $nodes, 0 from range($runs) t(r)",
            {"project": PROJECT, "nodes": node_count, "runs": runs},
        )
        db.execute(
            "insert into node_runs select 'inv-' || r, 'model.bench.model_' || n, 'model', 'table', "
            "case when hash(r, n) % 97 = 0 then 'error' else 'success' end, "
            "(hash(n) % 1000) / 100.0 + (hash(r * 7 + n) % 100) / 1000.0, 0.001 "
            "from range($runs) a(r), range($nodes) b(n)",
            {"runs": runs, "nodes": node_count},
        )
        db.close()
    with HistoryStore(path) as store:
        ours = timed(lambda: store.trends(PROJECT, window=window), options.repeat)
        trends = store.trends(PROJECT, window=window)
    db = duckdb.connect(str(path), read_only=True)
    baseline = timed(
        lambda: db.execute(
            "select unique_id, count(*), avg(execution_s) from node_runs group by 1"
        ).fetchall(),
        options.repeat,
    )
    db.close()
    assert len(trends) == node_count and all(t.runs == min(window, runs) for t in trends.values())
    return BenchResult(
        label=f"history_{runs}_runs" + ("_full_window" if window >= runs else ""),
        ours_s=ours,
        baseline_s=baseline,
        baseline_name="duckdb count/avg group-by over the same rows (no quantiles)",
        extra={"nodes_per_run": str(node_count), "rows": str(runs * node_count), "window": str(window)},
    )


def run(options: BenchOptions) -> list[BenchResult]:
    node_count = max(int(10_000 * options.scale), 100)
    return [
        _bench_analyze(options, node_count),
        _bench_history(options, runs=1_000, node_count=node_count, window=30),
        _bench_history(options, runs=1_000, node_count=node_count, window=1_000),
    ]
