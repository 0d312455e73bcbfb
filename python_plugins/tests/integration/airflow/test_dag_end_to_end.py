"""End to end: dbt parse → generate DAG → `airflow db migrate` (sqlite) → `dag.test()` builds DuckDB.

Airflow runs only in subprocesses with their own AIRFLOW_HOME, never in the pytest process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
import yaml

from pipeline_kit.cli import main

pytestmark = pytest.mark.integration

HERE = Path(__file__).resolve().parent
FIXTURE = HERE.parents[1] / "fixtures" / "airflow_project"
BIN = Path(sys.executable).parent
RUNNER = HERE / "dag_test_runner.py"


@dataclass(frozen=True)
class AirflowSandbox:
    root: Path
    project: Path
    manifest: Path
    env: dict[str, str]


def _run(command: list[str], env: dict[str, str], cwd: Path | None = None) -> str:
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"{command[:3]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> AirflowSandbox:
    root = tmp_path_factory.mktemp("airflow_e2e")
    project = root / "project"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("target", "logs", "*.duckdb"))
    home = root / "airflow_home"
    home.mkdir()
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        "PK_AIRFLOW_DUCKDB_PATH": str(root / "parse.duckdb"),
    }
    _run([str(BIN / "dbt"), "parse", "--project-dir", str(project), "--profiles-dir", str(project)], env)
    _run([str(BIN / "airflow"), "db", "migrate"], env)
    return AirflowSandbox(root, project, project / "target" / "manifest.json", env)


def _generate_and_test(
    sandbox: AirflowSandbox, name: str, settings: dict[str, object], manifest: Path | None = None
) -> dict[str, object]:
    out = sandbox.root / name / "dags"
    config = sandbox.root / name / "airflow.yml"
    config.parent.mkdir()
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    args = ["airflow", "generate", "--manifest", str(manifest or sandbox.manifest), "--out", str(out)]
    assert main([*args, "--config", str(config)]) == 0
    dag_file = out / f"{settings['dag_id']}.py"
    env = {**sandbox.env, "AIRFLOW__CORE__DAGS_FOLDER": str(out)}
    stdout = _run([sys.executable, str(RUNNER), str(dag_file)], env)
    line = next(line for line in stdout.splitlines() if line.startswith("DAG_TEST_RESULT "))
    result: dict[str, object] = json.loads(line.removeprefix("DAG_TEST_RESULT "))
    result.pop("seconds")
    result.pop("task_seconds")
    result.pop("warm_up_seconds")
    return result


def _settings(sandbox: AirflowSandbox, dag_id: str, warehouse: Path, **extra: object) -> dict[str, object]:
    return {
        "dag_id": dag_id,
        "dbt_executable": str(BIN / "dbt"),
        "project_dir": str(sandbox.project),
        "profiles_dir": str(sandbox.project),
        "env": {"PK_AIRFLOW_DUCKDB_PATH": str(warehouse)},
        **extra,
    }


def test_failing_model_fails_its_task_and_skips_downstream_only(sandbox: AirflowSandbox) -> None:
    warehouse = sandbox.root / "failing.duckdb"
    settings = _settings(sandbox, "fixture_failing", warehouse, granularity="group")
    settings["env"] = {"PK_AIRFLOW_DUCKDB_PATH": str(warehouse), "AIRFLOW_FIXTURE_FAIL": "yes"}

    result = _generate_and_test(sandbox, "failing", settings)

    assert result["run_state"] == "failed"
    assert result["tasks"] == {
        "seeds": "success",
        "models.staging": "success",
        "models.marts": "success",
        "models.finance": "failed",
        "models.reporting": "upstream_failed",
    }
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        totals = connection.execute("select name, total_amount from customer_orders order by 1").fetchall()
        listed = connection.execute("select table_name from information_schema.tables").fetchall()
    tables = {row[0] for row in listed}
    assert totals == [("Ada", 30.5), ("Grace", 40.0), ("Linus", 12.0)]
    assert "finance_report" not in tables and "payment_totals" not in tables


def test_whole_selection_task_builds_the_warehouse_with_dbt_in_process(sandbox: AirflowSandbox) -> None:
    warehouse = sandbox.root / "complete.duckdb"
    settings = _settings(
        sandbox, "fixture_complete", warehouse, granularity="all", dbt_invocation="in_process"
    )

    result = _generate_and_test(sandbox, "complete", settings)

    assert result == {"run_state": "success", "tasks": {"dbt_build": "success"}}
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        report = connection.execute("select method, total_amount from finance_report").fetchall()
    assert report == [("card", 65.0), ("cash", 5.5)]


# A source loaded outside dbt, a staging model and a mart reading it, and a test on the source.
SOURCE_PROJECT = {
    "dbt_project.yml": "name: events\nversion: '1.0.0'\nconfig-version: 2\nprofile: airflow_fixture\n",
    "models/sources.yml": (
        "version: 2\nsources:\n  - name: app\n    schema: main\n    tables:\n      - name: events\n"
        "        columns:\n          - name: event_id\n            data_tests: [not_null]\n"
    ),
    "models/stg_events.sql": "select event_id, kind from {{ source('app', 'events') }}",
    "models/events_by_kind.sql": "select kind, count(*) as n from {{ ref('stg_events') }} group by 1",
}


@pytest.mark.parametrize(("event_id", "expected"), [("1", "success"), ("null", "failed")])
def test_a_failing_test_on_a_source_stops_the_models_reading_it(
    sandbox: AirflowSandbox, event_id: str, expected: str
) -> None:
    """As `dbt build` does: the source's test runs first; when it fails nothing reads the source."""
    project = sandbox.root / f"events_{expected}_project"
    for name, text in SOURCE_PROJECT.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    shutil.copy(sandbox.project / "profiles.yml", project / "profiles.yml")
    warehouse = sandbox.root / f"events_{expected}.duckdb"
    with duckdb.connect(str(warehouse)) as connection:  # the loader's work, before the DAG runs
        connection.execute(f"create table main.events as select {event_id} as event_id, 'click' as kind")
    _run(
        [str(BIN / "dbt"), "parse", "--project-dir", str(project), "--profiles-dir", str(project)],
        sandbox.env,
    )
    settings = {**_settings(sandbox, f"events_{expected}", warehouse), "project_dir": str(project)}
    settings["profiles_dir"] = str(project)

    result = _generate_and_test(sandbox, f"events_{expected}", settings, project / "target" / "manifest.json")

    downstream = "success" if expected == "success" else "upstream_failed"
    assert result == {
        "run_state": expected,
        "tasks": {"source_test.app.events": expected, "stg_events": downstream, "events_by_kind": downstream},
    }
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        tables = {
            row[0]
            for row in connection.execute("select table_name from information_schema.tables").fetchall()
        }
    assert ("events_by_kind" in tables) is (expected == "success")
