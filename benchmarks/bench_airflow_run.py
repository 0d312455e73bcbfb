"""Wall time of a generated DAG run via `dag.test()` (one task per folder) vs one `dbt build`.

Project: the demo warehouse `examples/sales_warehouse` when present (used in place; dbt's
target path and the DuckDB file go to .bench/), else the generator's DuckDB fixture project
(python_plugins/tests/fixtures/airflow_project, copied to .bench/); PK_AIRFLOW_BENCH_PROJECT
picks another DuckDB project whose profile reads PK_AIRFLOW_DUCKDB_PATH or SALES_WAREHOUSE_PATH.
Both sides build a fresh warehouse file; `dbt parse` and `airflow db migrate`
run once beforehand and are not timed. Ours is the `dag.test()` call alone (in a fresh process,
after a warm-up `dag.test()` of a one-task no-op DAG: `dag.test()` builds Airflow 3's Execution API
in-process on its first task, a one-off ~4-5 s that a deployment's running api-server does not pay
per DAG run; it is reported as `warm_up_s`), the baseline the `dbt build` process; medians of
`--repeat` runs. Two variants: dbt as a
subprocess per task (default) and in-process through dbtRunner, plus one task for the whole
selection. `sum_task_s` adds the task instances' recorded durations (they include Airflow's
per-task start-up and state reporting, not dag.test()'s scheduling between tasks).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import BIN_DIR, REPO_ROOT, WORK_DIR, BenchOptions, BenchResult
from pipeline_kit.airflow import build_config, generate_dags
from pipeline_kit.airflow.render import write_dags

FIXTURE = REPO_ROOT / "python_plugins" / "tests" / "fixtures" / "airflow_project"
DEMO = REPO_ROOT / "examples" / "sales_warehouse"
RUNNER = REPO_ROOT / "python_plugins" / "tests" / "integration" / "airflow" / "dag_test_runner.py"


def _check(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    return done.stdout


def run(options: BenchOptions) -> list[BenchResult]:
    root = WORK_DIR / "airflow_run"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    chosen = os.environ.get("PK_AIRFLOW_BENCH_PROJECT")
    if chosen:
        project = Path(chosen).resolve()
    elif (DEMO / "dbt_project.yml").exists():
        project = DEMO
    else:
        project = root / "airflow_project"
        shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("target", "logs", "*.duckdb"))
    label = project.name
    home = root / "airflow_home"
    home.mkdir()
    dags = root / "dags"
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "DBT_TARGET_PATH": str(root / "target"),
    }
    warehouse = root / "warehouse.duckdb"
    dbt_env = {
        "DBT_TARGET_PATH": str(root / "target"),
        "PK_AIRFLOW_DUCKDB_PATH": str(warehouse),
        "SALES_WAREHOUSE_PATH": str(warehouse),
    }
    env.update(dbt_env)
    dbt = str(BIN_DIR / "dbt")
    dirs = ["--project-dir", str(project), "--profiles-dir", str(project)]
    if (project / "packages.yml").exists():
        _check([dbt, "deps", *dirs], env)
    _check([dbt, "parse", *dirs], env)
    _check([str(BIN_DIR / "airflow"), "db", "migrate"], env)
    baseline: list[float] = []
    for _ in range(max(options.repeat, 1)):
        warehouse.unlink(missing_ok=True)
        started = time.perf_counter()
        _check([dbt, "build", *dirs], env)
        baseline.append(time.perf_counter() - started)
    results = []
    # (granularity, invocation): the goal case is per folder; `all` shows the floor of one task.
    for granularity, invocation in (("group", "subprocess"), ("group", "in_process"), ("all", "subprocess")):
        name = f"{label}_{'per_folder' if granularity == 'group' else 'one_task'}_{invocation}"
        config = build_config(
            {
                "dag_id": name,
                "granularity": granularity,
                "dbt_executable": dbt,
                "dbt_invocation": invocation,
                "project_dir": str(project),
                "profiles_dir": str(project),
                "env": dbt_env,
            }
        )
        (dag_file,) = write_dags(generate_dags(root / "target" / "manifest.json", config), dags)
        ours: list[float] = []
        task_sums: list[float] = []
        warm_ups: list[float] = []
        for _ in range(max(options.repeat, 1)):
            warehouse.unlink(missing_ok=True)
            stdout = _check([sys.executable, str(RUNNER), str(dag_file), "--warm"], env)
            line = next(line for line in stdout.splitlines() if line.startswith("DAG_TEST_RESULT "))
            result = json.loads(line.removeprefix("DAG_TEST_RESULT "))
            if result["run_state"] != "success":
                raise RuntimeError(f"DAG run failed: {result}")
            ours.append(float(result["seconds"]))
            task_sums.append(float(result["task_seconds"]))
            warm_ups.append(float(result["warm_up_seconds"]))
        results.append(
            BenchResult(
                label=name,
                ours_s=statistics.median(ours),
                baseline_s=statistics.median(baseline),
                baseline_name="one `dbt build`",
                extra={
                    "tasks": str(len(result["tasks"])),
                    # Recorded task durations: dbt plus Airflow's per-task start-up and reporting.
                    "sum_task_s": f"{statistics.median(task_sums):.3f}",
                    "warm_up_s": f"{statistics.median(warm_ups):.3f}",
                    "project": label,
                },
            )
        )
    return results
