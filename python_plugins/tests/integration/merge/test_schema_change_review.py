"""pipeline_kit_merge under on_schema_change: defects found in the 2026-12-07 review of the
on_schema_change matrix, each loaded batch by batch; every test fails on the code before its fix:

- a column renamed only by case on PostgreSQL (`"Name"` in the table, `name` in the model) was
  taken for the same column by the schema comparison (lower-case names) but written under the
  model's name: every mode (ignore, fail, append_new_columns, sync_all_columns) failed with the
  database's "column t.name does not exist". It is the table's column, written under its name;
- two columns differing only by case (PostgreSQL's `"V"` and `v`) were paired by lower-case name:
  a type change of `"V"` was reported as one of `v` (fail), cast both columns to one name
  ("column v specified more than once": ignore, append_new_columns) or retyped `v` (a raw cast
  error: sync_all_columns). Each batch column now pairs with its own;
- sync_all_columns changed the ordering column's type but not soft deletes' `deleted_at`, which
  holds the ordering value: a date ordering column turned timestamp kept `deleted_at` a date,
  and the time of every later delete was cut off without a word.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..dbt_harness import AdapterTarget, DbtProject
from ..scd.mini_project import mini_project
from .warehouse import column_names, query

pytestmark = pytest.mark.integration

MODES = ["ignore", "fail", "append_new_columns", "sync_all_columns"]


def load(project: DbtProject, batches: int) -> dict[str, tuple[str, str]]:
    """Run every model once per batch (it_var('scr_batch')), the first as a full refresh, which
    must succeed; returns each model's (status, message) of the last run."""
    for batch in range(1, batches + 1):
        result = project.run(
            "run", *(["--full-refresh"] if batch == 1 else []), dbt_vars={"scr_batch": batch}
        )
        if batch == 1:
            assert result.ok, f"batch 1 on {project.target.name}:\n{result.tail()}"
    results = json.loads((project.target.workdir / "target" / "run_results.json").read_text())["results"]
    return {
        r["unique_id"].split(".")[-1]: (r["status"], " ".join((r["message"] or "").split())) for r in results
    }


def columns(project: DbtProject, table: str) -> list[tuple[str, str]]:
    sql = (
        "select column_name, data_type from information_schema.columns"
        " where table_schema = %s and table_name = %s order by column_name"
    )
    return [
        (str(name), str(kind).lower())
        for name, kind in query(project, sql, (project.target.schema, table))[1]
    ]


# -- 1. a column renamed only by case ------------------------------------------------------

CASE_RENAMED = """\
{{{{ config(materialized='pipeline_kit_merge', unique_key='id', merge_order_by='ts',
          on_schema_change='{mode}') }}}}
{{%- set batch = it_var('scr_batch', 1) | int %}}
select cast(1 as integer) as id, cast({{{{ batch }}}} as integer) as ts,
  {{% if batch == 1 %}}cast('a' as varchar(10)) as "Name"
  {{% else %}}cast('b' as varchar(10)) as name{{% endif %}}
union all select cast(2 as integer), cast({{{{ batch }}}} as integer), cast('c{{{{ batch }}}}' as varchar(10))
"""


def test_a_column_renamed_only_by_case_is_the_tables_column(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    files = {f"cr_{mode}.sql": CASE_RENAMED.format(mode=mode) for mode in MODES}
    project = mini_project("postgres", adapter_targets, tmp_root, tmp_path, files)
    outcome = load(project, 2)
    for mode in MODES:
        table = f"cr_{mode}"
        assert outcome[table][0] == "success", f"{mode}: {outcome[table][1]}"
        rows = query(project, f'select id, ts, "Name" from "{project.target.schema}"."{table}" order by id')[
            1
        ]
        assert rows == [(1, 2, "b"), (2, 2, "c2")], f"{mode}: {rows}"
        assert [name for name, _ in columns(project, table)] == ["Name", "id", "ts"], mode


# -- 2. two columns differing only by case, one of them retyped -----------------------------

TWO_CASES = """\
{{{{ config(materialized='pipeline_kit_merge', unique_key='k', merge_order_by='ts',
          on_schema_change='{mode}') }}}}
{{%- set batch = it_var('scr_batch', 1) | int %}}
select cast(1 as integer) as k, cast({{{{ batch }}}} as integer) as ts,
  cast({{{{ batch * 7 }}}} as {{{{ 'bigint' if batch == 2 else 'integer' }}}}) as "V",
  cast('x{{{{ batch }}}}' as text) as v
"""


def test_columns_differing_only_by_case_pair_with_their_own(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    files = {f"tc_{mode}.sql": TWO_CASES.format(mode=mode) for mode in MODES}
    project = mini_project("postgres", adapter_targets, tmp_root, tmp_path, files)
    outcome = load(project, 2)
    status, message = outcome["tc_fail"]
    assert status == "error" and "(got retyped: V integer -> bigint)" in message, message
    expected_types = {
        "ignore": [("V", "integer"), ("k", "integer"), ("ts", "integer"), ("v", "text")],
        "append_new_columns": [("V", "integer"), ("k", "integer"), ("ts", "integer"), ("v", "text")],
        "sync_all_columns": [("V", "bigint"), ("k", "integer"), ("ts", "integer"), ("v", "text")],
    }
    for mode, types in expected_types.items():
        table = f"tc_{mode}"
        assert outcome[table][0] == "success", f"{mode}: {outcome[table][1]}"
        rows = query(project, f'select k, ts, "V", v from "{project.target.schema}"."{table}"')[1]
        assert rows == [(1, 2, 14, "x2")], f"{mode}: {rows}"
        assert columns(project, table) == types, mode
    rows = query(project, f'select k, ts, "V", v from "{project.target.schema}"."tc_fail"')[1]
    assert rows == [(1, 1, 7, "x1")]


# -- 3. sync_all_columns retypes deleted_at with the ordering column --------------------------

SOFT_ORDER_RETYPED = """\
{{ config(materialized='pipeline_kit_merge', unique_key='id', merge_order_by='ts',
          on_schema_change='sync_all_columns', merge_op_column='op', merge_delete_mode='soft') }}
{%- set batch = it_var('scr_batch', 1) | int %}
{%- set kind = 'date' if batch == 1 else 'timestamp' %}
select cast(1 as integer) as id, cast('2024-0{{ batch }}-01 10:30:00' as {{ kind }}) as ts,
  cast('{{ 'I' if batch == 1 else 'D' }}' as varchar(1)) as op, cast('a' as varchar(5)) as val
union all
select cast(2 as integer), cast('2024-0{{ batch }}-01 10:30:00' as {{ kind }}), 'I', 'b'
"""


# Not on Snowflake: it cannot ALTER a DATE column to TIMESTAMP (fakesnow does).
@pytest.mark.parametrize("adapter", ["duckdb", "postgres"])
def test_sync_all_columns_retypes_deleted_at_with_the_ordering_column(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, {"soft_ord.sql": SOFT_ORDER_RETYPED})
    outcome = load(project, 2)
    assert outcome["soft_ord"][0] == "success", outcome["soft_ord"][1]
    types = dict(columns(project, "soft_ord"))
    assert types["ts"].startswith("timestamp") and types["deleted_at"] == types["ts"], types
    table = f'"{project.target.schema}"."soft_ord"'
    sql = f"select id, cast(deleted_at as varchar), is_deleted from {table} order by id"
    rows = query(project, sql)[1]
    assert rows == [(1, "2024-02-01 10:30:00", True), (2, None, False)], rows


# -- 4. on_schema_change's ALTERs wait for the batch's checks ----------------------------------

CONTRACT_ADDED = """\
{{ config(materialized='pipeline_kit_merge', unique_key='id', merge_order_by='ts',
          on_schema_change='append_new_columns') }}
{%- set batch = it_var('scr_batch', 1) | int %}
select cast(1 as integer) as id, cast({{ batch }} as integer) as ts
{%- if batch == 2 %}, cast('x' as varchar(5)) as extra{% endif %}
"""
CONTRACT_YML = """\
models:
  - name: ca_merge
    config: {contract: {enforced: true}}
    columns:
      - {name: id, data_type: integer}
      - {name: ts, data_type: integer}
"""


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_a_batch_refused_by_its_contract_leaves_the_columns_as_they_were(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    """Snowflake commits an ALTER on its own: the column append_new_columns added stayed after the
    contract then refused the batch. The ALTERs now come after the batch's checks."""
    files = {"ca_merge.sql": CONTRACT_ADDED, "ca_merge.yml": CONTRACT_YML}
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, files)
    status, message = load(project, 2)["ca_merge"]
    assert status == "error" and "enforced contract" in message, message
    assert column_names(project, "ca_merge") == ["id", "ts"]


UNCASTABLE_ADDED = """\
{{ config(materialized='pipeline_kit_merge', unique_key='id', merge_order_by='ts',
          on_schema_change='append_new_columns') }}
{%- set batch = it_var('scr_batch', 1) | int %}
select cast(1 as integer) as id, cast({{ batch }} as integer) as ts,
{%- if batch == 1 %} cast(5 as integer) as qty
{%- else %} cast('abc' as varchar(5)) as qty, cast('x' as varchar(5)) as extra{% endif %}
"""


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_a_batch_value_the_table_cannot_hold_leaves_the_columns_as_they_were(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    """Text into an integer column beside a new column: the batch's cast to the table's type
    failed after Snowflake had committed the ALTER, so the new column stayed. The ALTER now waits
    for the cast (DuckDB and PostgreSQL roll the ALTER back either way)."""
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, {"uc_merge.sql": UNCASTABLE_ADDED})
    status, message = load(project, 2)["uc_merge"]
    assert status == "error" and "abc" in message.lower(), message
    assert column_names(project, "uc_merge") == ["id", "qty", "ts"]
