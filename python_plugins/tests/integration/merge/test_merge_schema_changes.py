"""pipeline_kit_merge under dbt's on_schema_change options, when the model's columns change.

Model: integration_tests/models/merge/merge_schema_change.sql. Batch 1 has id, updated_at, qty
(integer) and label; batch 2 drops label, adds note and turns qty into decimal(10,2) with cents.
As dbt's incremental materialization: `fail` stops the load naming every difference (the type
change too; for batch 4, batch 1 plus note, only the added column), `sync_all_columns` adds,
drops and retypes columns, `append_new_columns` adds the new one and keeps the others. A type
change outside sync_all_columns is written as the table's type, so the load warns, naming the
column.

A batch whose only change is a column's type (no column added or removed) failed under
`sync_all_columns` on PostgreSQL with "syntax error at end of input": the merge asked dbt to
add and drop no columns, and dbt's PostgreSQL macro sends `alter table <t>` with nothing after it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import project_for
from ..dbt_harness import AdapterTarget, DbtProject
from ..scd.mini_project import mini_project, run_batches
from .warehouse import as_multiset, query, read_table

pytestmark = pytest.mark.integration

MODEL = "merge_schema_change"
JAN, FEB = "2024-01-01 00:00:00", "2024-02-01 00:00:00"


def _load(project: DbtProject, batch: int, mode: str, *extra: str) -> str:
    dbt_vars = {"merge_schema_batch": batch, "merge_schema_mode": mode}
    result = project.run("run", "--select", MODEL, *extra, dbt_vars=dbt_vars)
    assert result.ok, f"batch {batch} ({mode}) on {project.target.name}:\n{result.tail()}"
    return result.output


def _qty_type(project: DbtProject) -> str:
    # by schema too: other tests' schemas on the same server hold a merge_schema_change of their own
    sql = (
        "select data_type from information_schema.columns"
        " where table_schema = %s and table_name = %s and column_name = 'qty'"
    )
    rows = query(project, sql, (project.target.schema, MODEL))[1]
    assert len(rows) == 1, f"{project.target.schema}.{MODEL}.qty: {rows}"
    return str(rows[0][0]).lower()


def test_fail_names_added_removed_and_retyped_columns(dbt_project: DbtProject) -> None:
    _load(dbt_project, 1, "fail", "--full-refresh")
    before = read_table(dbt_project, MODEL)
    result = dbt_project.run(
        "run", "--select", MODEL, dbt_vars={"merge_schema_batch": 2, "merge_schema_mode": "fail"}
    )
    assert not result.ok, "a changed schema was loaded under on_schema_change: fail"
    assert f"pipeline_kit_merge: {MODEL}: the batch columns differ from the target" in result.output, (
        result.tail()
    )
    assert "added: note; removed: label; retyped: qty" in result.output.lower(), result.tail()
    assert read_table(dbt_project, MODEL) == before
    # only an added column: the message names it and no empty kind ("removed: ;")
    result = dbt_project.run(
        "run", "--select", MODEL, dbt_vars={"merge_schema_batch": 4, "merge_schema_mode": "fail"}
    )
    assert not result.ok, "a batch with a new column was loaded under on_schema_change: fail"
    output = result.output.lower()
    assert "(got added: note)" in output, result.tail()
    assert "removed:" not in output and "retyped:" not in output, result.tail()
    assert read_table(dbt_project, MODEL) == before


# Not on Snowflake: ALTER COLUMN ... SET DATA TYPE there cannot change a number's scale
# (NUMBER(38,0) to NUMBER(10,2)), so dbt's alter_column_type fails on Snowflake itself.
@pytest.mark.parametrize("adapter", ["duckdb", "postgres"])
def test_sync_all_columns_adds_drops_and_retypes(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path
) -> None:
    dbt_project = project_for(adapter, adapter_targets, tmp_root)
    _load(dbt_project, 1, "sync_all_columns", "--full-refresh")
    assert "int" in _qty_type(dbt_project)
    _load(dbt_project, 2, "sync_all_columns")
    expected = [("1", JAN, "5", ""), ("2", FEB, "7.5", "n2"), ("3", FEB, "1.25", "n3")]
    rows = read_table(dbt_project, MODEL)
    assert sorted(rows[0]) == ["id", "note", "qty", "updated_at"], rows[0]
    assert as_multiset(rows, ["id", "updated_at", "qty", "note"]) == sorted(expected)
    assert any(name in _qty_type(dbt_project) for name in ("decimal", "numeric")), _qty_type(dbt_project)
    # the same batch again changes nothing
    _load(dbt_project, 2, "sync_all_columns")
    assert as_multiset(read_table(dbt_project, MODEL), ["id", "updated_at", "qty", "note"]) == sorted(
        expected
    )


def test_append_new_columns_keeps_types_and_warns(dbt_project: DbtProject) -> None:
    _load(dbt_project, 1, "append_new_columns", "--full-refresh")
    output = _load(dbt_project, 2, "append_new_columns")
    warning = "the batch has columns of another type than the table (qty"
    assert warning in " ".join(output.lower().split()), output[-3000:]
    # qty stays an integer column (7.50 is written as 8, as dbt's incremental writes it); label is kept
    expected = [("1", JAN, "5", "a", ""), ("2", FEB, "8", "b", "n2"), ("3", FEB, "1", "", "n3")]
    assert as_multiset(
        read_table(dbt_project, MODEL), ["id", "updated_at", "qty", "label", "note"]
    ) == sorted(expected)


def test_fail_accepts_types_the_table_holds(duckdb_project: DbtProject) -> None:
    """smallint into an integer column and varchar(5) into varchar(20) are no schema change."""
    _load(duckdb_project, 1, "fail", "--full-refresh")
    output = _load(duckdb_project, 3, "fail")
    assert "another type" not in output, output[-3000:]
    expected = [("1", JAN, "5", "a"), ("2", "2024-03-01 00:00:00", "9", "c")]
    rows = read_table(duckdb_project, MODEL)
    assert as_multiset(rows, ["id", "updated_at", "qty", "label"]) == sorted(expected)


RETYPED_ONLY = """\
{{ config(materialized='pipeline_kit_merge', unique_key='id', merge_order_by='ts',
          on_schema_change='sync_all_columns') }}
{%- set batch = it_var('rt_batch', 1) | int %}
select cast(1 as integer) as id, cast({{ batch }} as integer) as ts,
  cast({{ 5000000000 if batch == 2 else 1 }} as {{ 'bigint' if batch == 2 else 'integer' }}) as val
"""


# Not on Snowflake: integer and bigint are both NUMBER(38,0) there, so there is no type change.
@pytest.mark.parametrize("adapter", ["duckdb", "postgres"])
def test_sync_all_columns_retypes_a_column_when_nothing_else_changed(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, {"rt_only.sql": RETYPED_ONLY})
    run_batches(project, "rt_batch")
    sql = (
        "select data_type from information_schema.columns"
        " where table_schema = %s and table_name = 'rt_only' and column_name = 'val'"
    )
    assert [str(row[0]).lower() for row in query(project, sql, (project.target.schema,))[1]] == ["bigint"]
    assert as_multiset(read_table(project, "rt_only"), ["id", "ts", "val"]) == [("1", "2", "5000000000")]
