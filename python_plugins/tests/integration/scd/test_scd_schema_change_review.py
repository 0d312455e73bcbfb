"""The scd materialization under on_schema_change: defects found in the 2026-12-07 review of the
on_schema_change matrix, each loaded batch by batch; every test fails on the code before its fix:

- a column renamed only by case (`"Name"` in the table, `name` in the model) passed the column
  checks, which compare lower-case names, and on PostgreSQL every load failed with the database's
  "column t.name does not exist" (SCD1, 2 and 3; ignore and append_new_columns alike). PostgreSQL
  and Snowflake keep such names apart (real Snowflake fails the same way; fakesnow, on DuckDB,
  did not): the load now fails first with an error naming the column and the table's name for
  it. DuckDB, whose names ignore case, loads it as before;
- a string column the model widened (`varchar(5)` to `varchar(20)`), which counts as no type
  change, was not widened in the table as dbt's incremental and pipeline_kit_merge widen it: a
  longer value failed on PostgreSQL with "value too long for type character varying(5)". The
  table's column (and SCD3's `previous_<attribute>` with it) is widened first;
- with append_new_columns, a load that adds a column and no longer selects another added the
  new one, then refused the load naming the missing one: on Snowflake the ALTER had committed, so
  the refused load left the table changed. The columns are checked before the ALTER;
- the error for a column the model no longer selects named it in lower case (`old col` for the
  table's `"Old Col"`); it names it as the table has it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..dbt_harness import AdapterTarget, DbtProject
from ..merge.warehouse import column_names, query, read_table
from .mini_project import mini_project

pytestmark = pytest.mark.integration


def load(project: DbtProject, batches: range) -> dict[str, tuple[str, str]]:
    """Run every model once per batch (it_var('sscr_batch')), batch 1 as a full refresh, which
    must succeed; returns each model's (status, message) of the last run."""
    for batch in batches:
        result = project.run(
            "run", *(["--full-refresh"] if batch == 1 else []), dbt_vars={"sscr_batch": batch}
        )
        if batch == 1:
            assert result.ok, f"batch 1 on {project.target.name}:\n{result.tail()}"
    results = json.loads((project.target.workdir / "target" / "run_results.json").read_text())["results"]
    return {
        r["unique_id"].split(".")[-1]: (r["status"], " ".join((r["message"] or "").split())) for r in results
    }


def scd_model(scd_type: int, mode: str, select: str) -> str:
    extra = ", scd3_columns=['seg']" if scd_type == 3 else ""
    return (
        f"{{{{ config(materialized='scd', scd_type={scd_type}, unique_key='id', updated_at='ts',"
        f" on_schema_change='{mode}'{extra}) }}}}\n"
        "{%- set batch = it_var('sscr_batch', 1) | int %}\n" + select
    )


# -- 1. a column renamed only by case --------------------------------------------------------

CASE_RENAMED = """\
select cast(1 as integer) as id, cast('2024-0{{ batch }}-01' as timestamp) as ts,
  cast('s{{ batch }}' as varchar(10)) as seg,
  {% if batch == 1 %}cast('a' as varchar(10)) as "Name"{% else %}cast('b' as varchar(10)) as name{% endif %}
"""
CASE_MODELS = {f"cr{t}_{m[:4]}": (t, m) for t in (1, 2, 3) for m in ("ignore", "append_new_columns")}


@pytest.mark.parametrize("adapter", ["postgres", "snowflake"])
def test_a_column_renamed_only_by_case_fails_naming_it(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    files = {f"{name}.sql": scd_model(t, m, CASE_RENAMED) for name, (t, m) in CASE_MODELS.items()}
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, files)
    load(project, range(1, 2))
    before = {name: read_table(project, name) for name in CASE_MODELS}
    outcome = load(project, range(2, 3))
    named = "name" if adapter == "postgres" else "NAME"
    for name in CASE_MODELS:
        status, message = outcome[name]
        assert status == "error", f"{name}: {message}"
        assert (
            f"pipeline_kit.scd: {name}: the model names columns in another case than the table" in message
        ), message
        assert f"(got {named} (the table has Name))" in message, message
        assert read_table(project, name) == before[name], name


# -- 2. a string column widened by the model ---------------------------------------------------

WIDENED = """\
{%- set seg = {1: 's', 2: 'sixteen_chars_xx', 3: 'another_long_one'}[batch] %}
select cast(1 as integer) as id, cast('2024-0{{ batch }}-01' as timestamp) as ts,
  cast('{{ seg }}' as varchar({{ 5 if batch == 1 else 20 }})) as seg
"""


def test_a_widened_string_column_widens_the_table(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    files = {f"wide{t}.sql": scd_model(t, "fail", WIDENED) for t in (1, 2, 3)}
    project = mini_project("postgres", adapter_targets, tmp_root, tmp_path, files)
    outcome = load(project, range(1, 4))
    for name, (status, message) in outcome.items():
        assert status == "success", f"{name}: {message}"
    schema = project.target.schema
    assert query(project, f'select seg from "{schema}"."wide1"')[1] == [("another_long_one",)]
    rows = query(project, f'select seg, is_current from "{schema}"."wide2" order by valid_from')[1]
    assert rows == [("s", False), ("sixteen_chars_xx", False), ("another_long_one", True)], rows
    rows = query(project, f'select seg, previous_seg from "{schema}"."wide3"')[1]
    assert rows == [("another_long_one", "sixteen_chars_xx")], rows


# -- 3. append_new_columns refusing a load checks before the ALTER -----------------------------

ADDED_AND_DROPPED = """\
select cast(1 as integer) as id, cast('2024-0{{ batch }}-01' as timestamp) as ts,
  cast('s{{ batch }}' as varchar(10)) as seg,
  {% if batch == 1 %}cast('a' as varchar(10)) as old_col
  {% else %}cast('b' as varchar(10)) as new_col{% endif %}
"""


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_a_refused_append_leaves_the_table_unchanged(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    files = {f"addrem{t}.sql": scd_model(t, "append_new_columns", ADDED_AND_DROPPED) for t in (1, 2, 3)}
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, files)
    load(project, range(1, 2))
    before = {
        name: (column_names(project, name), read_table(project, name))
        for name in ("addrem1", "addrem2", "addrem3")
    }
    outcome = load(project, range(2, 3))
    for name, (columns, rows) in before.items():
        status, message = outcome[name]
        assert status == "error" and "the table has columns the model no longer selects" in message, message
        assert "(got old_col)" in message.lower(), message
        assert column_names(project, name) == columns, f"{name}: the refused load changed the table's columns"
        assert read_table(project, name) == rows, name


DROPPED_MIXED_CASE = """\
{{ config(materialized='scd', scd_type=2, unique_key='id', updated_at='ts') }}
{%- set batch = it_var('sscr_batch', 1) | int %}
select cast(1 as integer) as id, cast('2024-01-0{{ batch }}' as timestamp) as ts
{%- if batch == 1 %}, cast(1 as integer) as "Old Col"{% endif %}
"""


@pytest.mark.parametrize("adapter", ["duckdb", "postgres"])
def test_a_dropped_column_is_named_as_the_table_has_it(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, {"dmc.sql": DROPPED_MIXED_CASE})
    status, message = load(project, range(1, 3))["dmc"]
    assert status == "error" and "the table has columns the model no longer selects" in message, message
    assert "(got Old Col)" in message, message
