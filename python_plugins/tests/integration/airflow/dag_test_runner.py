"""Run one generated DAG with `dag.test()` in this (fresh) process and print task states as JSON.

Usage: python dag_test_runner.py DAG_FILE [--warm]. Kept out of the pytest process so Airflow's imports,
settings and database stay isolated from the test session.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path
from typing import Any

WARM_UP_DAG = """
import datetime

try:
    from airflow.sdk import DAG, BaseOperator
except ImportError:  # Airflow 2
    from airflow import DAG
    from airflow.models.baseoperator import BaseOperator


class NoOp(BaseOperator):
    def execute(self, context):
        return None


with DAG(
    dag_id="pipeline_kit_warm_up",
    schedule=None,
    start_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
) as dag:
    NoOp(task_id="no_op")
"""


def load_dag(dag_file: Path) -> Any:
    spec = importlib.util.spec_from_file_location(f"dag_{dag_file.stem}", dag_file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.dag


def warm_up_airflow(dags_folder: Path) -> float:
    """Run a one-task no-op DAG with `dag.test()`; return the seconds it took.

    A deployment keeps Airflow's services running; `dag.test()` in a fresh process instead
    pays, on its first task, for building Airflow 3's in-process Execution API and the imports
    behind its first request (about 4-5 s here). Warming up with a DAG that imports nothing of
    dbt keeps that one-off cost out of the measured run; it is reported on its own. The DAG file
    has to sit in the DAGs folder for `dag.test()` to serialize it; it is removed afterwards.
    """
    started = time.perf_counter()
    warm_up_file = dags_folder / "pipeline_kit_warm_up.py"
    warm_up_file.write_text(WARM_UP_DAG, encoding="utf-8")
    try:
        load_dag(warm_up_file).test()
    finally:
        warm_up_file.unlink()
    return time.perf_counter() - started


def main(dag_file: str, warm: bool) -> int:
    path = Path(dag_file).resolve()
    warm_up_seconds = warm_up_airflow(path.parent) if warm else 0.0
    dag = load_dag(path)
    started = time.perf_counter()
    dag_run = dag.test()
    elapsed = time.perf_counter() - started
    instances = dag_run.get_task_instances()
    states = {ti.task_id: str(ti.state) for ti in instances}
    task_seconds = sum(ti.duration or 0.0 for ti in instances)
    result = {
        "run_state": str(dag_run.state),
        "tasks": states,
        "seconds": elapsed,
        "task_seconds": task_seconds,
        "warm_up_seconds": warm_up_seconds,
    }
    print("DAG_TEST_RESULT " + json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], warm="--warm" in sys.argv[2:]))
