"""Run one generated DAG with `dag.test()` in this (fresh) process and print task states as JSON.

Usage: python dag_test_runner.py DAG_FILE. Kept out of the pytest process so Airflow's imports,
settings and database stay isolated from the test session.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time


def main(dag_file: str) -> int:
    spec = importlib.util.spec_from_file_location("generated_dag", dag_file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    started = time.perf_counter()
    dag_run = module.dag.test()
    elapsed = time.perf_counter() - started
    instances = dag_run.get_task_instances()
    states = {ti.task_id: str(ti.state) for ti in instances}
    task_seconds = sum(ti.duration or 0.0 for ti in instances)
    result = {
        "run_state": str(dag_run.state),
        "tasks": states,
        "seconds": elapsed,
        "task_seconds": task_seconds,
    }
    print("DAG_TEST_RESULT " + json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
