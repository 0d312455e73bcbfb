"""A failed scd load: the table is never half written, and the connection is left usable.

On Snowflake dbt-snowflake runs every statement on its own and keeps a thread's connection for its
next nodes. The write used to open an explicit transaction (`begin`, delete, insert, `commit`): a
failure after `begin` left that transaction open, so on fakesnow the next node on the connection
failed ("transaction aborted") and on Snowflake its first DDL would have committed the delete
without the insert. The write is now one MERGE there, atomic by itself.

- A post-hook fails after the write, in a run with a second model after it on the one thread:
  on DuckDB and PostgreSQL the load rolls back (the table is as before); on Snowflake the write
  stands whole, as in every dbt-snowflake materialization (hooks run outside a transaction). On
  every adapter the next model builds.
- A statement of the write fails (a NULL into a column made NOT NULL): the table is as before,
  row for row (DuckDB, PostgreSQL). Skipped on fakesnow, which runs a MERGE as separate DuckDB
  statements, so its delete stays when its insert fails; a Snowflake MERGE is one statement.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..dbt_harness import AdapterTarget, DbtProject
from ..merge.warehouse import as_multiset, read_table
from .mini_project import mini_project

pytestmark = pytest.mark.integration

ADAPTERS = ["duckdb", "postgres", "snowflake"]
COLUMNS = ["id", "name", "valid_from", "valid_to", "is_current"]
JAN, FEB = "2024-01-01 00:00:00", "2024-02-01 00:00:00"

# load 1: keys 1 and 2; load 2: key 1 changes (fast path: only its open row is replaced) and key 3
# is new; fw_null puts a NULL name on the changed key; fw_hook_fault makes the post-hook fail;
# fw_not_null makes the name column NOT NULL after the load
SCD_MODEL = """\
{{ config(materialized='scd', scd_type=2, unique_key='id', updated_at='updated_at',
          post_hook=[
            "select " ~ ("cast('injected fault' as integer)" if it_var('fw_hook_fault', false) else "1"),
            "alter table {{ this }} alter column name set not null" if it_var('fw_not_null', false)
            else "select 1"]) }}
{%- set batch = it_var('fw_batch', 1) | int %}
select cast(v.id as integer) as id, cast(v.name as varchar(20)) as name,
  cast(v.updated_at as timestamp) as updated_at
from (
  values
{%- if batch == 1 %}
  (1, 'a', '2024-01-01 00:00:00'), (2, 'b', '2024-01-01 00:00:00')
{%- else %}
  (1, {{ 'null' if it_var('fw_null', false) else "'a2'" }}, '2024-02-01 00:00:00'),
  (3, 'c', '2024-02-01 00:00:00')
{%- endif %}
) as v (id, name, updated_at)
"""
# after the scd model on the one thread (dbt orders nodes of one depth by their id): a table,
# so its first statement is DDL
NEXT_MODEL = "select 1 as x\n"
FILES = {"fw_a_scd.sql": SCD_MODEL, "fw_b_next.sql": NEXT_MODEL}

AFTER_LOAD_1 = sorted([("1", "a", JAN, "", "true"), ("2", "b", JAN, "", "true")])
AFTER_LOAD_2 = sorted(
    [
        ("1", "a", JAN, FEB, "false"),
        ("1", "a2", FEB, "", "true"),
        ("2", "b", JAN, "", "true"),
        ("3", "c", FEB, "", "true"),
    ]
)


def _project(
    adapter: str,
    adapter_targets: dict[str, AdapterTarget],
    tmp_root: Path,
    root: Path,
    not_null: bool = False,
) -> DbtProject:
    project = mini_project(adapter, adapter_targets, tmp_root, root, FILES)
    first = project.run(
        "run", "--select", "fw_a_scd", "--full-refresh", dbt_vars={"fw_batch": 1, "fw_not_null": not_null}
    )
    assert first.ok, f"load 1 on {adapter}:\n{first.tail()}"
    assert as_multiset(read_table(project, "fw_a_scd"), COLUMNS) == AFTER_LOAD_1
    return project


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_a_failing_post_hook_leaves_no_half_write_and_the_next_node_runs(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = _project(adapter, adapter_targets, tmp_root, tmp_path)
    failed = project.run(
        "run",
        "--select",
        "fw_a_scd",
        "fw_b_next",
        "--threads",
        "1",
        dbt_vars={"fw_batch": 2, "fw_hook_fault": True},
    )
    assert not failed.ok and "injected fault" in failed.output, failed.tail()
    # the next node on the same connection builds (before: "transaction aborted" on fakesnow)
    assert "PASS=1 " in failed.output and "ERROR=1 " in failed.output, failed.tail()
    rows = as_multiset(read_table(project, "fw_a_scd"), COLUMNS)
    # Snowflake: the write is one statement that committed before the hook ran
    assert rows == (AFTER_LOAD_2 if adapter == "snowflake" else AFTER_LOAD_1)
    # either way the next load finishes the job, and a replay changes nothing
    for _ in range(2):
        again = project.run("run", "--select", "fw_a_scd", dbt_vars={"fw_batch": 2})
        assert again.ok, again.tail()
        assert as_multiset(read_table(project, "fw_a_scd"), COLUMNS) == AFTER_LOAD_2


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_a_statement_failing_inside_the_write_leaves_the_table_unchanged(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    if adapter == "snowflake":
        pytest.skip(
            "fakesnow runs a MERGE as separate DuckDB statements, so a failing insert leaves its "
            "deletes; on Snowflake the write is one MERGE statement, atomic by itself"
        )
    project = _project(adapter, adapter_targets, tmp_root, tmp_path, not_null=True)
    # key 1's open row is deleted first (fast path), then its new version's NULL name fails the insert
    failed = project.run("run", "--select", "fw_a_scd", dbt_vars={"fw_batch": 2, "fw_null": True})
    assert not failed.ok, failed.tail()
    assert as_multiset(read_table(project, "fw_a_scd"), COLUMNS) == AFTER_LOAD_1
