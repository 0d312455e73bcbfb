"""Airflow DagBag parse time: our generated DAG file vs astronomer-cosmos `DbtDag` (DBT_MANIFEST).

Both sides parse the same synthetic 1,000-model manifest (10 folders, 1-3 parents per model, one
test per model). Each parse runs in a fresh Python process that imports Airflow's DagBag first
and then times `DagBag(dag_folder=<one file>)` alone: the file's own imports (cosmos, or the
Airflow SDK pieces ours needs), building the DAG and DagBag's checks. Medians of 5 per side.

Cases: (a) the same task graph as Cosmos (a run and a test task per model); (b) one task per
folder. Plus `generation`: the time `pipeline-kit airflow generate` takes for 5,000 models.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

from common import BIN_DIR, WORK_DIR, BenchOptions, BenchResult
from pipeline_kit.airflow import build_config, generate_dags
from pipeline_kit.airflow.render import write_dags

RUNS = 5
FOLDERS = 10

PARSE_ONE = textwrap.dedent(
    """
    import json, sys, time
    from airflow.models.dagbag import DagBag
    started = time.perf_counter()
    bag = DagBag(dag_folder=sys.argv[1])
    elapsed = time.perf_counter() - started
    dags = list(bag.dags.values())
    print("PARSE " + json.dumps({
        "seconds": elapsed,
        "errors": {str(k): str(v)[-500:] for k, v in bag.import_errors.items()},
        "tasks": sum(len(dag.tasks) for dag in dags),
        "edges": sum(len(t.downstream_task_ids) for dag in dags for t in dag.tasks),
    }))
    """
)

COSMOS_DAG = textwrap.dedent(
    """
    # Baseline: an astronomer-cosmos DAG rendering the same manifest at parse time.
    import datetime
    from cosmos import DbtDag, ExecutionConfig, LoadMode, ProfileConfig, ProjectConfig, RenderConfig

    dag = DbtDag(
        dag_id="cosmos_bench",
        project_config=ProjectConfig(manifest_path={manifest!r}, project_name="bench"),
        profile_config=ProfileConfig(
            profile_name="bench", target_name="dev", profiles_yml_filepath={profiles!r}
        ),
        execution_config=ExecutionConfig(dbt_project_path={project!r}, dbt_executable_path={dbt!r}),
        render_config=RenderConfig(load_method=LoadMode.DBT_MANIFEST),
        schedule=None,
        start_date=datetime.datetime(2024, 1, 1),
        catchup=False,
    )
    """
)


def synthetic_manifest(models: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    nodes: dict[str, Any] = {}
    per_folder = max(models // FOLDERS, 1)
    for index in range(models):
        folder = f"f{min(index // per_folder, FOLDERS - 1):02d}"
        name = f"m{index:05d}"
        uid = f"model.bench.{name}"
        parents = sorted({rng.randrange(index) for _ in range(rng.randint(1, 3))}) if index else []
        nodes[uid] = {
            "unique_id": uid,
            "resource_type": "model",
            "name": name,
            "package_name": "bench",
            "path": f"{folder}/{name}.sql",
            "original_file_path": f"models/{folder}/{name}.sql",
            "fqn": ["bench", folder, name],
            "tags": [],
            "config": {"materialized": "table", "tags": [], "meta": {}},
            "depends_on": {"nodes": [f"model.bench.m{p:05d}" for p in parents], "macros": []},
            "database": "bench",
            "schema": "main",
            "alias": name,
            "meta": {},
        }
        test_uid = f"test.bench.not_null_{name}_id.0000"
        nodes[test_uid] = {
            "unique_id": test_uid,
            "resource_type": "test",
            "name": f"not_null_{name}_id",
            "package_name": "bench",
            "path": f"{folder}/schema.yml",
            "original_file_path": f"models/{folder}/schema.yml",
            "fqn": ["bench", folder, f"not_null_{name}_id"],
            "tags": [],
            "config": {"materialized": "test", "tags": [], "meta": {}},
            "depends_on": {"nodes": [uid], "macros": []},
            "test_metadata": {"name": "not_null", "kwargs": {"column_name": "id"}},
            "column_name": "id",
            "attached_node": uid,
            "meta": {},
        }
    return {
        "metadata": {"project_name": "bench", "dbt_version": "1.11.0"},
        "nodes": nodes,
        "sources": {},
        "selectors": {},
        "exposures": {},
        "metrics": {},
        "macros": {},
        "docs": {},
        "parent_map": {},
        "child_map": {},
    }


def _prepare(root: Path, models: int) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    manifest_path = root / "manifest.json"
    manifest_path.write_text(json.dumps(synthetic_manifest(models)), encoding="utf-8")
    (root / "dbt_project.yml").write_text("name: bench\nversion: '1.0'\nprofile: bench\n", "utf-8")
    (root / "profiles.yml").write_text(
        "bench:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: bench.duckdb\n",
        "utf-8",
    )
    return manifest_path


def _parse_seconds(dag_file: Path, home: Path) -> tuple[float, dict[str, Any]]:
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "600",
    }
    samples = []
    info: dict[str, Any] = {}
    for _ in range(RUNS):
        done = subprocess.run(
            [sys.executable, "-c", PARSE_ONE, str(dag_file)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith("PARSE ")]
        if done.returncode != 0 or not lines:
            raise RuntimeError(f"parsing {dag_file} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
        info = json.loads(lines[-1].removeprefix("PARSE "))
        if info["errors"] or not info["tasks"]:
            raise RuntimeError(f"{dag_file} did not load: {info['errors']}")
        samples.append(float(info["seconds"]))
    return statistics.median(samples), info


def _ours(manifest: Path, root: Path, granularity: str) -> Path:
    config = build_config(
        {
            "dag_id": f"ours_{granularity}",
            "granularity": granularity,
            "dbt_executable": str(BIN_DIR / "dbt"),
            "project_dir": str(root),
            "profiles_dir": str(root),
        }
    )
    out = root / f"ours_{granularity}"
    (path,) = write_dags(generate_dags(manifest, config), out)
    return path


def run(options: BenchOptions) -> list[BenchResult]:
    root = WORK_DIR / "airflow_parse"
    models = max(int(1000 * options.scale), 10)
    manifest = _prepare(root, models)
    home = root / "airflow_home"
    home.mkdir(exist_ok=True)
    cosmos_dir = root / "cosmos"
    cosmos_dir.mkdir(exist_ok=True)
    cosmos_file = cosmos_dir / "cosmos_dag.py"
    cosmos_file.write_text(
        COSMOS_DAG.format(
            manifest=str(manifest),
            profiles=str(root / "profiles.yml"),
            project=str(root),
            dbt=str(BIN_DIR / "dbt"),
        ),
        "utf-8",
    )
    cosmos_s, cosmos_info = _parse_seconds(cosmos_file, home)
    results = []
    for label, granularity in (("same_graph_as_cosmos", "node"), ("per_folder", "group")):
        ours_file = _ours(manifest, root, granularity)
        ours_s, ours_info = _parse_seconds(ours_file, home)
        results.append(
            BenchResult(
                label=f"{label}_{models}_models",
                ours_s=ours_s,
                baseline_s=cosmos_s,
                baseline_name="cosmos DbtDag LoadMode.DBT_MANIFEST",
                extra={
                    "ours_tasks": str(ours_info["tasks"]),
                    "ours_edges": str(ours_info["edges"]),
                    "cosmos_tasks": str(cosmos_info["tasks"]),
                    "cosmos_edges": str(cosmos_info["edges"]),
                },
            )
        )
    big = _prepare(root / "generation", models * 5)
    config = build_config({"dag_id": "big", "dbt_executable": "dbt", "project_dir": str(root)})
    started = time.perf_counter()
    write_dags(generate_dags(big, config), root / "generation" / "dags")
    generation_s = time.perf_counter() - started
    results.append(
        BenchResult(
            label=f"generation_{models * 5}_models",
            ours_s=generation_s,
            baseline_s=2.0,
            baseline_name="goal: under 2 s",
        )
    )
    return results
