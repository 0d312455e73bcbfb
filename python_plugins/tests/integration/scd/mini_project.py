"""A small dbt project of a test's own models, using the package from this repo (a local package).

Parsing the whole integration project costs seconds per dbt run; a test that needs a handful of
models of its own (written in the test, so the shared integration project stays unchanged) runs
them here. The project gets its own target directory and, on DuckDB and Snowflake (fakesnow), its
own database file; on PostgreSQL it uses the session's harness schema (dropped at the end).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..conftest import project_for
from ..dbt_harness import INTEGRATION_PROJECT, REPO_ROOT, AdapterTarget, DbtProject

DBT_PROJECT_YML = """\
name: pk_mini
version: "0.1.0"
config-version: 2
profile: pipeline_kit_integration_tests
model-paths: ["models"]
macro-paths: ["macros"]
flags:
  send_anonymous_usage_stats: false
vars:
  # fakesnow has no ALTER TABLE ... SWAP WITH (see integration_tests/dbt_project.yml)
  pipeline_kit_snowflake_swap: false
models:
  pk_mini:
    +materialized: table
"""


def mini_project(
    adapter: str,
    adapter_targets: dict[str, AdapterTarget],
    tmp_root: Path,
    root: Path,
    files: dict[str, str],
) -> DbtProject:
    """A project at `root` with `files` (paths under models/, e.g. {"m.sql": "select 1 as x"})."""
    base = project_for(adapter, adapter_targets, tmp_root).target
    (root / "models").mkdir(parents=True)
    (root / "macros").mkdir()
    (root / "dbt_project.yml").write_text(DBT_PROJECT_YML)
    (root / "packages.yml").write_text(f"packages:\n  - local: {REPO_ROOT}\n")
    shutil.copy(INTEGRATION_PROJECT / "profiles.yml", root / "profiles.yml")
    shutil.copy(INTEGRATION_PROJECT / "macros" / "it_var.sql", root / "macros" / "it_var.sql")
    for name, text in files.items():
        (root / "models" / name).write_text(text)
    workdir = root / "work"
    env = dict(base.env)
    if adapter == "duckdb":
        env["PK_DUCKDB_PATH"] = str(workdir / "mini.duckdb")
    if adapter == "snowflake":
        (workdir / "fakesnow").mkdir(parents=True)
    workdir.mkdir(parents=True, exist_ok=True)
    project = DbtProject(AdapterTarget(adapter, workdir, base.schema, env), project_dir=root)
    deps = project.deps()
    assert deps.ok, f"dbt deps of the mini project on {adapter}:\n{deps.tail()}"
    return project


def run_batches(project: DbtProject, var_name: str, batches: int = 2) -> None:
    """Run the project once per batch (the model reads it_var(var_name)), the first as a full
    refresh (PostgreSQL mini projects share the session's schema with earlier tests)."""
    for batch in range(1, batches + 1):
        result = project.run("run", *(["--full-refresh"] if batch == 1 else []), dbt_vars={var_name: batch})
        assert result.ok, f"batch {batch} on {project.target.name}:\n{result.tail()}"
