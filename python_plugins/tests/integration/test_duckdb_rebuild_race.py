"""DuckDB: a full refresh of an indexed `pipeline_kit_merge` or `scd` table must not break
other threads while its transaction is open.

dbt runs models on several threads over one DuckDB database, and dbt-duckdb's table
materialization queries `duckdb_indexes()`. While a rename of an indexed table is uncommitted,
that query fails in every other thread ("Table with name ..._backup does not exist"), so our
rebuild drops the old table inside the transaction instead of renaming it (_swap_in_rebuilt).

The test holds the rebuild's transaction open with a slow post-hook (post-hooks run inside the
transaction, after the swap) while a second thread of the same process polls
`duckdb_indexes()` on the same database. It runs twice: with the package's macro, where no poll
may fail, and with a project override that renames the old table the way our first version did
(drop its indexes, then rename), where polls must fail: the proof that the test can see the race.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from .dbt_harness import DBT, REPO_ROOT

pytestmark = pytest.mark.integration

# About a second of work on two cores: the window in which the swap is uncommitted.
SLOW_POST_HOOK = "select sum(hash(i)) from range(150000000) as t(i)"

MODELS = {
    "race_merge": (
        "{{ config(materialized='pipeline_kit_merge', unique_key='id', merge_order_by='updated_at',"
        " indexes=[{'columns': ['id'], 'unique': true}], post_hook=var('race_hook', '')) }}\n"
        "select cast(i as integer) as id, timestamp '2024-01-01' as updated_at, i * 2 as amount"
        " from range(1, 1001) as t(i)\n"
    ),
    "race_scd": (
        "{{ config(materialized='scd', scd_type=2, unique_key='id', updated_at='updated_at',"
        " indexes=[{'columns': ['scd_id'], 'unique': true}], post_hook=var('race_hook', '')) }}\n"
        "select cast(i as integer) as id, timestamp '2024-01-01' as updated_at, i * 2 as amount"
        " from range(1, 1001) as t(i)\n"
    ),
}

# The first version of the DuckDB swap, kept here as the negative control: drop the old
# table's indexes (DuckDB cannot rename a table that has some), then rename it to the backup.
RENAMING_OVERRIDE = """
{% macro duckdb___swap_in_rebuilt(existing_relation, intermediate_relation, backup_relation,
                                  target_relation) %}
  {%- if var('race_rename', false) and existing_relation is not none -%}
    {%- set found = run_query("select index_name from duckdb_indexes() where schema_name = '"
        ~ existing_relation.schema ~ "' and table_name = '" ~ existing_relation.identifier ~ "'") -%}
    {%- for row in found.rows -%}
      {%- do run_query('drop index "' ~ existing_relation.schema ~ '"."' ~ row[0] ~ '"') -%}
    {%- endfor -%}
    {%- do adapter.rename_relation(existing_relation, backup_relation) -%}
    {%- do adapter.rename_relation(intermediate_relation, target_relation) -%}
    {{- return(backup_relation) -}}
  {%- endif -%}
  {{- return(pipeline_kit.duckdb___swap_in_rebuilt(existing_relation, intermediate_relation,
                                                    backup_relation, target_relation)) -}}
{% endmacro %}
"""


def _write_project(root: Path) -> Path:
    project = root / "race_project"
    (project / "models").mkdir(parents=True)
    (project / "macros").mkdir()
    (project / "dbt_project.yml").write_text(
        "name: pk_race\nversion: '0.1.0'\nconfig-version: 2\nprofile: pk_race\n"
        "model-paths: ['models']\nmacro-paths: ['macros']\n"
        "dispatch:\n  - macro_namespace: pipeline_kit\n    search_order: ['pk_race', 'pipeline_kit']\n"
        "flags:\n  send_anonymous_usage_stats: false\n"
    )
    (project / "packages.yml").write_text(f"packages:\n  - local: {REPO_ROOT}\n")
    (project / "profiles.yml").write_text(
        "pk_race:\n  target: duckdb\n  outputs:\n    duckdb:\n      type: duckdb\n"
        f"      path: {project / 'race.duckdb'}\n      schema: main\n      threads: 1\n"
    )
    for name, sql in MODELS.items():
        (project / "models" / f"{name}.sql").write_text(sql)
    (project / "macros" / "renaming_override.sql").write_text(RENAMING_OVERRIDE)
    return project


def _environment(project: Path) -> dict[str, str]:
    return {
        "DBT_TARGET_PATH": str(project / "target"),
        "DBT_LOG_PATH": str(project / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def _rebuild_while_polling(
    project: Path, model: str, dbt_vars: dict[str, Any]
) -> tuple[bool, int, list[str]]:
    """Full-refresh `model` in this process while another thread polls duckdb_indexes() on the
    same database; returns (run succeeded, polls made, poll errors)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.cli.main import dbtRunner

    done = threading.Event()
    polls: list[int] = [0]
    errors: list[str] = []

    def poll() -> None:
        # dbt-duckdb opens the database when the run starts; poll through the same instance
        cursor = None
        while not done.is_set():
            environment = getattr(DuckDBConnectionManager, "_ENV", None)
            if cursor is None:
                if environment is None or getattr(environment, "conn", None) is None:
                    time.sleep(0.005)
                    continue
                cursor = environment.conn.cursor()
            try:
                cursor.execute("select count(*) from duckdb_indexes()").fetchall()
            except Exception as error:  # every failure of the reader is the finding
                errors.append(str(error).splitlines()[0])
            polls[0] += 1
        if cursor is not None:
            cursor.close()

    args = ["run", "--select", model, "--full-refresh", "--vars", json.dumps(dbt_vars)]
    args += ["--project-dir", str(project), "--profiles-dir", str(project)]
    saved = {key: os.environ.get(key) for key in _environment(project)}
    os.environ.update(_environment(project))
    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        result = dbtRunner().invoke(["--quiet", *args])
    finally:
        done.set()
        poller.join(timeout=30)
        DuckDBConnectionManager.close_all_connections()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return bool(result.success), polls[0], errors


@pytest.mark.parametrize("model", sorted(MODELS))
def test_rebuild_of_indexed_table_does_not_break_other_threads(model: str, tmp_path: Path) -> None:
    project = _write_project(tmp_path)
    env = {**os.environ, **_environment(project)}
    common = ["--project-dir", str(project), "--profiles-dir", str(project)]
    for args in (["deps"], ["run", "--select", model]):
        built = subprocess.run(
            [DBT, *args, *common], check=False, env=env, capture_output=True, text=True, timeout=600
        )
        assert built.returncode == 0, built.stdout[-3000:]

    ok, polls, errors = _rebuild_while_polling(project, model, {"race_hook": SLOW_POST_HOOK})
    assert ok, f"{model}: the full refresh failed"
    assert polls > 20, f"{model}: the poller ran only {polls} times; the test saw nothing"
    assert errors == [], f"{model}: {len(errors)} of {polls} duckdb_indexes() reads failed: {errors[:3]}"

    # Negative control: renaming the old table (our first version) must be caught.
    ok, polls, errors = _rebuild_while_polling(
        project, model, {"race_hook": SLOW_POST_HOOK, "race_rename": True}
    )
    assert ok, f"{model}: the full refresh with the renaming override failed"
    assert errors, (
        f"{model}: the renaming override made no poll fail in {polls} polls; the test cannot see the race"
    )
