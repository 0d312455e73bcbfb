"""The multi-node test edges on a manifest dbt wrote, and run by Airflow's `dag.test()`: a failing
relationships test stops the model joining both its parents (as `dbt build` does), not the model
reading one of them. Airflow runs in a subprocess with its own AIRFLOW_HOME."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipeline_kit.cli import main
from pipeline_kit.graph import PlanOptions, load_manifest, plan_tasks

pytestmark = pytest.mark.integration

RUNNER = Path(__file__).resolve().parents[2] / "integration" / "airflow" / "dag_test_runner.py"
BIN = Path(sys.executable).parent
FILES = {
    "dbt_project.yml": "name: shop\nversion: '1.0.0'\nconfig-version: 2\nprofile: shop\n",
    "profiles.yml": (
        "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: shop.duckdb\n"
    ),
    "seeds/raw_orders.csv": "id,customer_id\n1,1\n2,3\n",  # customer 3 does not exist
    "seeds/raw_customers.csv": "id\n1\n2\n",
    "models/stg_orders.sql": "select * from {{ ref('raw_orders') }}",
    "models/stg_customers.sql": "select * from {{ ref('raw_customers') }}",
    "models/orders_only.sql": "select * from {{ ref('stg_orders') }}",
    "models/joined.sql": (
        "select o.id from {{ ref('stg_orders') }} o join {{ ref('stg_customers') }} c on o.customer_id = c.id"
    ),
    "models/e_both.sql": (
        "{{ config(materialized='ephemeral') }}\n"
        "select o.id from {{ ref('raw_orders') }} o join {{ ref('stg_customers') }} c on o.customer_id = c.id"
    ),
    "models/from_e.sql": "select * from {{ ref('e_both') }}",
    "models/schema.yml": (
        "version: 2\nmodels:\n  - name: stg_orders\n    columns:\n      - name: customer_id\n"
        "        data_tests:\n          - relationships:\n"
        "              arguments: {to: ref('stg_customers'), field: id}\n"
        "  - name: e_both\n    columns:\n      - name: id\n        data_tests: [unique]\n"
    ),
}


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"{command[:3]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("multi_node_test_edges")
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text + "\n", encoding="utf-8")
    _run(
        [str(BIN / "dbt"), "parse", "--project-dir", str(root), "--profiles-dir", str(root)], dict(os.environ)
    )
    return root


def test_dbt_manifest_gets_the_edges(project: Path) -> None:
    plan = plan_tasks(load_manifest(project / "target" / "manifest.json"), PlanOptions())
    relationships = next(t.task_id for t in plan.tasks if "relationships" in " ".join(t.dbt_args))
    assert relationships in plan.upstream["joined"]
    assert relationships not in plan.upstream["orders_only"]
    unique = next(t.task_id for t in plan.tasks if "unique_e_both" in " ".join(t.dbt_args))
    assert unique in plan.upstream["from_e"]


def test_a_failing_relationships_test_stops_the_joining_model(project: Path, tmp_path: Path) -> None:
    home = tmp_path / "airflow_home"
    home.mkdir()
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
    }
    _run([str(BIN / "airflow"), "db", "migrate"], env)
    out = tmp_path / "dags"
    settings = {
        "dag_id": "multi_node_tests",
        "project_dir": str(project),
        "profiles_dir": str(project),
        "dbt_invocation": "in_process",
    }
    config = tmp_path / "airflow.yml"
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    manifest = project / "target" / "manifest.json"
    assert (
        main(["airflow", "generate", "--manifest", str(manifest), "--out", str(out), "--config", str(config)])
        == 0
    )
    stdout = _run(
        [sys.executable, str(RUNNER), str(out / "multi_node_tests.py")],
        {**env, "AIRFLOW__CORE__DAGS_FOLDER": str(out)},
    )
    line = next(line for line in stdout.splitlines() if line.startswith("DAG_TEST_RESULT "))
    tasks = json.loads(line.removeprefix("DAG_TEST_RESULT "))["tasks"]
    failed_test = next(task for task in tasks if task.startswith("test.") and "stg_orders" in task)
    assert tasks[failed_test] == "failed"
    assert tasks["joined"] == "upstream_failed"  # before the fix: success, built from the orphan row
    assert tasks["orders_only"] == "success"
