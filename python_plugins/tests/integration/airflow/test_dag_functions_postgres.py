"""End to end on PostgreSQL: a dbt 1.11 function gets a task that runs before the model calling it.

A tiny project written by the test (a scalar SQL function `double_it`, a seed, a table model
calling `{{ function('double_it') }}`, a test on that model) is parsed, its DAG generated at node
granularity and run with `dag.test()` through the DuckDB end-to-end test's helpers (Airflow only
in subprocesses; dbt in process, which halves the runtime: the task arguments are the same). The
function's task has to end before the model's task starts (times from the Airflow metadata
database) and the model's rows hold the function's results.

That order alone proves little: `dag.test()` may run the function first even with no edge. So the
negative check runs the same DAG against a copy of the project whose function body PostgreSQL
rejects. With the function → model edge, the function's task fails and the model's task is
`upstream_failed`: it never runs. Without the edge (a generator ignoring `depends_on.functions`)
the model's task runs and is `failed`, and this check fails. A broken body was chosen over an
excluded function because it tells "waits for the function" apart from "runs and fails", whatever
order Airflow picks. Each run has its own schema `pk_af_fn_<hex>[_broken]`, dropped when the module
ends, also on failure.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from ..conftest import require_adapter
from ..dbt_harness import connect_postgres, drop_postgres_schema
from .test_dag_end_to_end import BIN, AirflowSandbox, _generate_and_test, _run

pytestmark = pytest.mark.integration

FUNCTION = "select x * 2"
BROKEN_FUNCTION = "select x * 2 from pk_no_such_table"
PROJECT = {
    "dbt_project.yml": "name: pk_af_fn\nversion: '1.0.0'\nconfig-version: 2\nprofile: pk_af_fn\n",
    "profiles.yml": (
        "pk_af_fn:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n"
        "      host: \"{{ env_var('PK_PG_HOST', '127.0.0.1') }}\"\n"
        "      port: \"{{ env_var('PK_PG_PORT', '5432') | as_number }}\"\n"
        "      user: \"{{ env_var('PK_PG_USER', 'postgres') }}\"\n"
        "      password: \"{{ env_var('PK_PG_PASSWORD', '') }}\"\n"
        "      dbname: \"{{ env_var('PK_PG_DBNAME', 'postgres') }}\"\n"
        "      schema: \"{{ env_var('PK_AF_FN_SCHEMA', 'pk_af_fn_parse') }}\"\n"
        "      threads: 1\n"
    ),
    "functions/double_it.sql": FUNCTION,
    "functions/schema.yml": (
        "functions:\n  - name: double_it\n    arguments:\n      - name: x\n        data_type: integer\n"
        "    returns:\n      data_type: integer\n"
    ),
    "seeds/raw_numbers.csv": "id,n\n1,3\n2,5\n3,-4\n",
    "models/doubled.sql": (
        "{{ config(materialized='table') }}\n"
        "select id, n, {{ function('double_it') }}(n) as doubled from {{ ref('raw_numbers') }}"
    ),
    "models/schema.yml": (
        "models:\n  - name: doubled\n    columns:\n      - name: doubled\n        data_tests: [not_null]\n"
    ),
}
FUNCTION_TASK, SEED_TASK, MODEL_TASK, TEST_TASK = (
    "double_it",
    "raw_numbers",
    "doubled",
    "doubled.test",
)


@pytest.fixture(scope="module")
def pg_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AirflowSandbox, str]]:
    """An Airflow home (sqlite), the parsed project and the schema prefix, dropped at teardown."""
    require_adapter("postgres")
    root = tmp_path_factory.mktemp("airflow_fn_pg")
    schema = f"pk_af_fn_{uuid.uuid4().hex[:10]}"
    home = root / "airflow_home"
    home.mkdir()
    project = root / "project"
    for name, text in PROJECT.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
    }
    try:
        _run([str(BIN / "dbt"), "parse", "--project-dir", str(project), "--profiles-dir", str(project)], env)
        _run([str(BIN / "airflow"), "db", "migrate"], env)
        yield AirflowSandbox(root, project, project / "target" / "manifest.json", env), schema
    finally:
        drop_postgres_schema(schema)  # and its `<schema>_…` siblings: the broken run's schema


def _run_dag(sandbox: AirflowSandbox, dag_id: str, project: Path, schema: str) -> dict[str, object]:
    settings: dict[str, object] = {
        "dag_id": dag_id,
        "granularity": "node",
        "dbt_invocation": "in_process",
        "dbt_executable": str(BIN / "dbt"),
        "project_dir": str(project),
        "profiles_dir": str(project),
        "env": {"PK_AF_FN_SCHEMA": schema},
    }
    return _generate_and_test(sandbox, dag_id, settings)


def _task_times(sandbox: AirflowSandbox, dag_id: str) -> dict[str, tuple[datetime, datetime]]:
    """Each task's (start, end) as the Airflow metadata database recorded them."""
    with sqlite3.connect(sandbox.root / "airflow_home" / "airflow.db") as connection:
        rows = connection.execute(
            "select task_id, start_date, end_date from task_instance where dag_id = ?", (dag_id,)
        ).fetchall()
    return {
        task_id: (datetime.fromisoformat(start), datetime.fromisoformat(end)) for task_id, start, end in rows
    }


def _query(sql: str) -> list[tuple[object, ...]]:
    connection = connect_postgres()
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall())
    finally:
        connection.close()


def test_function_task_runs_before_the_model_calling_it(pg_sandbox: tuple[AirflowSandbox, str]) -> None:
    sandbox, schema = pg_sandbox

    result = _run_dag(sandbox, "pg_functions", sandbox.project, schema)

    assert result == {
        "run_state": "success",
        "tasks": {
            FUNCTION_TASK: "success",
            SEED_TASK: "success",
            MODEL_TASK: "success",
            TEST_TASK: "success",
        },
    }
    times = _task_times(sandbox, "pg_functions")
    function_end, model_start = times[FUNCTION_TASK][1], times[MODEL_TASK][0]
    assert function_end <= model_start, times
    rows = _query(f'select id, n, doubled from "{schema}"."doubled" order by id')
    assert rows == [(1, 3, 6), (2, 5, 10), (3, -4, -8)]


def test_a_function_postgres_rejects_keeps_the_model_from_running(
    pg_sandbox: tuple[AirflowSandbox, str],
) -> None:
    sandbox, schema = pg_sandbox
    project = sandbox.root / "broken_project"
    shutil.copytree(sandbox.project, project, ignore=shutil.ignore_patterns("target", "logs"))
    (project / "functions" / "double_it.sql").write_text(BROKEN_FUNCTION, encoding="utf-8")
    broken_schema = f"{schema}_broken"

    result = _run_dag(sandbox, "pg_functions_broken", project, broken_schema)

    assert result == {
        "run_state": "failed",
        "tasks": {
            FUNCTION_TASK: "failed",
            SEED_TASK: "success",
            MODEL_TASK: "upstream_failed",
            TEST_TASK: "upstream_failed",
        },
    }
    tables = _query(
        f"select table_name from information_schema.tables where table_schema = '{broken_schema}'"
    )
    assert tables == [("raw_numbers",)]
