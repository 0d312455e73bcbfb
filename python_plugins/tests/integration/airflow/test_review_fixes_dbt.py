"""Review fixes checked against dbt and Airflow themselves: each freshness task's selector picks
exactly its source (names with spaces and dots, one source.table in two packages), unit tests on an
ephemeral model run when the tasks run in order, and execution_timeout stops dbt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from pipeline_kit.cli import main
from pipeline_kit.graph import Granularity, PlanOptions, load_manifest, plan_tasks

pytestmark = pytest.mark.integration

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "dag_test_runner.py"
BIN = Path(sys.executable).parent

FRESHNESS = "    freshness: {error_after: {count: 1, period: day}}\n    loaded_at_field: ts\n"
FILES = {
    "dbt_project.yml": "name: shop\nversion: '1.0.0'\nconfig-version: 2\nprofile: shop\n",
    "profiles.yml": (
        "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: shop.duckdb\n"
    ),
    "packages.yml": "packages:\n  - local: pkgs/other\n",
    "pkgs/other/dbt_project.yml": "name: other\nversion: '1.0.0'\nconfig-version: 2\n",
    # the same source.table as the root project's, in another schema
    "pkgs/other/models/sources.yml": (
        "version: 2\nsources:\n  - name: app\n    schema: other_raw\n"
        + FRESHNESS
        + "    tables: [{name: events}]\n"
    ),
    "models/sources.yml": (
        "version: 2\nsources:\n"
        '  - name: "src sp"\n    schema: main\n' + FRESHNESS + "    tables:\n"
        '      - {name: "t.dot", identifier: t_dot}\n      - {name: "t sp", identifier: t_sp}\n'
        "  - name: app\n    schema: main\n" + FRESHNESS + "    tables: [{name: events}]\n"
    ),
    "models/reader.sql": (
        "select ts from {{ source('src sp', 't.dot') }}\n"
        "union all select ts from {{ source('src sp', 't sp') }}\n"
        "union all select ts from {{ source('app', 'events') }}"
    ),
    "seeds/raw_customers.csv": "id,name\n1,ada\n2,grace\n",
    "models/eph_customers.sql": (
        "{{ config(materialized='ephemeral') }}\nselect id, name from {{ ref('raw_customers') }}"
    ),
    "models/stg_customers.sql": "select id, upper(name) as name from {{ ref('eph_customers') }}",
    "models/unit_tests.yml": (
        "unit_tests:\n  - name: ut_eph\n    model: eph_customers\n    given:\n"
        "      - input: ref('raw_customers')\n        rows: [{id: 1, name: a}]\n"
        "    expect: {rows: [{id: 1, name: a}]}\n"
    ),
}


def _dbt(root: Path, *args: str) -> Any:
    from dbt.cli.main import dbtRunner

    saved = os.getcwd()
    os.chdir(root)
    try:
        result = dbtRunner().invoke(
            [*args, "--project-dir", str(root), "--profiles-dir", str(root), "--quiet"]
        )
    finally:
        os.chdir(saved)
    assert result.success, f"dbt {' '.join(args)} failed: {result.exception}"
    return result.result


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("review_fixes_project")
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text + "\n", encoding="utf-8")
    with duckdb.connect(str(root / "shop.duckdb")) as connection:  # the loader's work
        connection.execute("create schema other_raw")
        for table in ("main.t_dot", "main.t_sp", "main.events", "other_raw.events"):
            connection.execute(f"create table {table} as select current_timestamp as ts")
    _dbt(root, "deps")
    _dbt(root, "parse")
    return root


def test_each_freshness_task_checks_exactly_its_source(project: Path) -> None:
    manifest = load_manifest(project / "target" / "manifest.json")
    plan = plan_tasks(manifest, PlanOptions(source_freshness=True))
    tasks = [task for task in plan.tasks if task.dbt_args[:2] == ("source", "freshness")]
    assert len(tasks) == 4
    for task in tasks:
        selector = task.dbt_args[3]
        listed = _dbt(project, "ls", "--resource-type", "source", "--select", selector, "--output", "json")
        assert [json.loads(line)["unique_id"] for line in listed] == list(task.node_ids), selector
        # before the fix: "Nothing to do" for the dotted and spaced names (a pass), both app.events
        # for the root's (failing on the other package's)
        checked = _dbt(project, "source", "freshness", "--select", selector)
        assert [result.node.unique_id for result in checked.results] == list(task.node_ids)
        assert [str(result.status) for result in checked.results] == ["pass"]


@pytest.mark.parametrize("granularity", [Granularity.NODE, Granularity.GROUP, Granularity.ALL])
def test_a_unit_test_on_an_ephemeral_model_runs_in_the_dag(project: Path, granularity: Granularity) -> None:
    """The tasks run in the plan's order, as Airflow would: the unit test runs once, after the seed
    its input reads, and (but with one task for everything) before the model reading the ephemeral."""
    manifest = load_manifest(project / "target" / "manifest.json")
    plan = plan_tasks(manifest, PlanOptions(granularity=granularity, select=("+stg_customers",)))
    ran: list[tuple[str, str]] = []
    for task in plan.tasks:  # topological order
        results = _dbt(project, *task.dbt_args)
        ran += [(result.node.unique_id, str(result.status)) for result in results.results]
    order = [uid for uid, _ in ran]
    assert ("unit_test.shop.eph_customers.ut_eph", "pass") in ran
    assert order.count("unit_test.shop.eph_customers.ut_eph") == 1
    assert order.index("seed.shop.raw_customers") < order.index("unit_test.shop.eph_customers.ut_eph")
    if granularity is not Granularity.ALL:
        assert order.index("unit_test.shop.eph_customers.ut_eph") < order.index("model.shop.stg_customers")


FAKE_DBT = """#!{python}
import os, pathlib, time
here = pathlib.Path(__file__).parent
(here / "pid").write_text(str(os.getpid()))
print("fake dbt started", flush=True)
time.sleep(40)  # one long warehouse query, no output meanwhile
(here / "finished").write_text("dbt ran to the end")
"""


def test_execution_timeout_stops_dbt(tmp_path: Path) -> None:
    home = tmp_path / "airflow_home"
    home.mkdir()
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        "AIRFLOW__CORE__DAGS_FOLDER": str(tmp_path / "dags"),
    }
    migrate = subprocess.run(
        [str(BIN / "airflow"), "db", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    fake_dbt = tmp_path / "fake_dbt.py"
    fake_dbt.write_text(FAKE_DBT.format(python=sys.executable), encoding="utf-8")
    fake_dbt.chmod(0o755)
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(_one_model_manifest()), encoding="utf-8")
    config = tmp_path / "airflow.yml"
    settings = {
        "dag_id": "timeout",
        "dbt_executable": str(fake_dbt),
        "project_dir": str(tmp_path),
        "default_args": {"execution_timeout": 3},
    }
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    args = ["airflow", "generate", "--manifest", str(manifest), "--out", str(tmp_path / "dags")]
    assert main([*args, "--config", str(config)]) == 0

    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(RUNNER), str(tmp_path / "dags" / "timeout.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    elapsed = time.monotonic() - started

    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("DAG_TEST_RESULT "))
    result = json.loads(line.removeprefix("DAG_TEST_RESULT "))
    assert result["tasks"] == {"orders": "failed"}
    # 3 s and the stop (plus Airflow's own time on a busy machine), not dbt's 40 s
    assert result["task_seconds"] < 35, result
    pid = int((tmp_path / "pid").read_text(encoding="utf-8"))
    assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
    assert not (tmp_path / "finished").exists(), f"dbt ran on after the timeout ({elapsed:.0f} s)"


def _one_model_manifest() -> dict[str, Any]:
    node = {
        "unique_id": "model.shop.orders",
        "resource_type": "model",
        "name": "orders",
        "package_name": "shop",
        "original_file_path": "models/orders.sql",
        "fqn": ["shop", "orders"],
        "config": {"materialized": "table"},
        "depends_on": {"nodes": []},
    }
    return {"metadata": {"project_name": "shop"}, "nodes": {node["unique_id"]: node}}
