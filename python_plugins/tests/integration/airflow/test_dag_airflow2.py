"""The same generated DAG file runs on Airflow 2 (2.10, its own venv `.venv-airflow2`).

Airflow 2 and 3 cannot share a venv, so `make test` builds `.venv-airflow2` from
`constraints-airflow2.txt`; the DAG's tasks call dbt from the main venv (`dbt_executable`).
Outside CI a missing Airflow 2 venv skips this test with the reason; under CI=true it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from pipeline_kit.cli import main

pytestmark = pytest.mark.integration

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[3]
FIXTURE = HERE.parents[1] / "fixtures" / "airflow_project"
RUNNER = HERE / "dag_test_runner.py"
BIN = Path(sys.executable).parent
AIRFLOW2_BIN = REPO_ROOT / ".venv-airflow2" / "bin"


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"{command[:3]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture
def airflow2_bin() -> Path:
    if (AIRFLOW2_BIN / "airflow").exists():
        return AIRFLOW2_BIN
    reason = f"no Airflow 2 venv at {AIRFLOW2_BIN.parent} (make test creates it)"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"CI=true requires the Airflow 2 check: {reason}")
    pytest.skip(reason)


def test_failing_model_fails_its_task_and_skips_downstream_on_airflow_2(
    tmp_path: Path, airflow2_bin: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("target", "logs", "*.duckdb"))
    home = tmp_path / "airflow_home"
    home.mkdir()
    warehouse = tmp_path / "warehouse.duckdb"
    dags = tmp_path / "dags"
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        "PK_AIRFLOW_DUCKDB_PATH": str(tmp_path / "parse.duckdb"),
    }
    version = _run([str(airflow2_bin / "python"), "-c", "import airflow; print(airflow.__version__)"], env)
    assert version.startswith("2."), version
    _run([str(BIN / "dbt"), "parse", "--project-dir", str(project), "--profiles-dir", str(project)], env)
    _run([str(airflow2_bin / "airflow"), "db", "migrate"], env)
    config = tmp_path / "airflow.yml"
    settings = {
        "dag_id": "fixture_airflow2",
        "granularity": "group",
        "dbt_executable": str(BIN / "dbt"),
        "project_dir": str(project),
        "profiles_dir": str(project),
        "env": {"PK_AIRFLOW_DUCKDB_PATH": str(warehouse), "AIRFLOW_FIXTURE_FAIL": "yes"},
    }
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    manifest = project / "target" / "manifest.json"
    generate = ["airflow", "generate", "--manifest", str(manifest), "--out", str(dags)]
    assert main([*generate, "--config", str(config)]) == 0

    stdout = _run([str(airflow2_bin / "python"), str(RUNNER), str(dags / "fixture_airflow2.py")], env)

    line = next(line for line in stdout.splitlines() if line.startswith("DAG_TEST_RESULT "))
    result = json.loads(line.removeprefix("DAG_TEST_RESULT "))
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
    assert totals == [("Ada", 30.5), ("Grace", 40.0), ("Linus", 12.0)]
