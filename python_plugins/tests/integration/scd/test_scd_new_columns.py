"""A column added to an SCD model, on every adapter: with `on_schema_change: append_new_columns`
the table gains the column and keeps its history, as a dbt snapshot does; otherwise the load
fails and says how to go on.

Model: integration_tests/models/scd/scd2_new_column.sql (SCD2, and SCD1 through a var; check
strategy on every column).
Batch 1 has id, name and updated_at; batch 2 adds email. Key 1's email goes from NULL to a value
(a change: a new version), key 2 only gains a NULL email (no change: its stored state hash is
recomputed with the new column, else every stored row would look changed), key 3's name changes.

SCD3 (integration_tests/models/scd/scd3_new_attribute.sql): attributes added to `scd3_columns`,
one a stored column and one a new column, get their previous-value and changed-at columns.
"""

from __future__ import annotations

import pytest

from ..dbt_harness import DbtProject
from ..merge.warehouse import as_multiset, read_table

pytestmark = pytest.mark.integration

MODEL = "scd2_new_column"
JAN, FEB = "2024-01-01 00:00:00", "2024-02-01 00:00:00"
# per scd_type: the columns compared and the table after batch 2
EXPECTED = {
    2: (
        ["id", "name", "email", "valid_from", "valid_to", "is_current"],
        [
            ("1", "ann", "", JAN, FEB, "false"),
            ("1", "ann", "ann@example.com", FEB, "", "true"),
            ("2", "bob", "", JAN, "", "true"),
            ("3", "cy", "", JAN, FEB, "false"),
            ("3", "cyd", "", FEB, "", "true"),
        ],
    ),
    1: (
        ["id", "name", "email", "first_seen_at", "last_changed_at"],
        [
            ("1", "ann", "ann@example.com", JAN, FEB),
            ("2", "bob", "", JAN, JAN),
            ("3", "cyd", "", JAN, FEB),
        ],
    ),
}


def _load(
    project: DbtProject, batch: int, *extra: str, mode: str = "append_new_columns", scd_type: int = 2
) -> str:
    dbt_vars = {"scd_new_column_batch": batch, "scd_on_schema_change": mode, "scd_new_column_type": scd_type}
    result = project.run("run", "--select", MODEL, *extra, dbt_vars=dbt_vars)
    assert result.ok, f"batch {batch} ({mode}, SCD{scd_type}) on {project.target.name}:\n{result.tail()}"
    return result.output


@pytest.mark.parametrize("scd_type", [2, 1])
def test_new_column_is_appended_and_history_kept(dbt_project: DbtProject, scd_type: int) -> None:
    columns, expected = EXPECTED[scd_type]
    _load(dbt_project, 1, "--full-refresh", scd_type=scd_type)
    assert len(read_table(dbt_project, MODEL)) == 3

    _load(dbt_project, 2, scd_type=scd_type)
    rows = as_multiset(read_table(dbt_project, MODEL), columns)
    assert rows == sorted(expected), rows

    # the same batch again changes nothing
    _load(dbt_project, 2, scd_type=scd_type)
    assert as_multiset(read_table(dbt_project, MODEL), columns) == sorted(expected)


@pytest.mark.parametrize("mode", ["ignore", "fail"])
def test_new_column_without_append_fails_and_says_how_to_go_on(duckdb_project: DbtProject, mode: str) -> None:
    _load(duckdb_project, 1, "--full-refresh")
    before = read_table(duckdb_project, MODEL)
    result = duckdb_project.run(
        "run",
        "--select",
        MODEL,
        dbt_vars={"scd_new_column_batch": 2, "scd_on_schema_change": mode},
    )
    assert not result.ok, f"{mode}: a column the table lacks was loaded or dropped silently"
    assert f"pipeline_kit.scd: {MODEL}: the model has columns the table lacks" in result.output, result.tail()
    assert "on_schema_change: append_new_columns" in result.output and "(got email)" in result.output
    assert read_table(duckdb_project, MODEL) == before


def test_dropped_column_fails_naming_it(duckdb_project: DbtProject) -> None:
    """A column the model stops selecting: a clear error naming it, the table unchanged."""
    _load(duckdb_project, 2, "--full-refresh")
    before = read_table(duckdb_project, MODEL)
    result = duckdb_project.run("run", "--select", MODEL, dbt_vars={"scd_new_column_batch": 1})
    assert not result.ok, "a load without a column the table has succeeded"
    message = f"pipeline_kit.scd: {MODEL}: the table has columns the model no longer selects"
    assert message in result.output and "(got email)" in result.output, result.tail()
    assert read_table(duckdb_project, MODEL) == before


SCD3_MODEL = "scd3_new_attribute"
SCD3_COLUMNS = [
    "id",
    "name",
    "previous_name",
    "name_changed_at",
    "tier",
    "previous_tier",
    "tier_changed_at",
    "segment",
    "previous_segment",
    "segment_changed_at",
    "first_seen_at",
    "last_changed_at",
]
# after batch 2: tier (a stored column) and segment (a new one) became SCD3 attributes. A stored
# value counts as held since first_seen_at, so key 1's tier change records gold as its previous
# value; segment NULL to a value is a change (keys 1 and 3), a NULL segment is none (key 2).
SCD3_EXPECTED = [
    ("1", "ann", "", "", "platinum", "gold", FEB, "retail", "", FEB, JAN, FEB),
    ("2", "bob", "", "", "silver", "", "", "", "", "", JAN, JAN),
    ("3", "cyd", "cy", FEB, "gold", "", "", "b2b", "", FEB, JAN, FEB),
]


def _load_scd3(project: DbtProject, batch: int, *extra: str, mode: str = "append_new_columns") -> None:
    dbt_vars = {"scd3_new_attribute_batch": batch, "scd_on_schema_change": mode}
    result = project.run("run", "--select", SCD3_MODEL, *extra, dbt_vars=dbt_vars)
    assert result.ok, f"batch {batch} ({mode}) on {project.target.name}:\n{result.tail()}"


def test_scd3_attribute_added_gets_its_columns_and_history_kept(dbt_project: DbtProject) -> None:
    _load_scd3(dbt_project, 1, "--full-refresh")
    assert len(read_table(dbt_project, SCD3_MODEL)) == 3

    _load_scd3(dbt_project, 2)
    assert as_multiset(read_table(dbt_project, SCD3_MODEL), SCD3_COLUMNS) == sorted(SCD3_EXPECTED)

    # the same batch again changes nothing
    _load_scd3(dbt_project, 2)
    assert as_multiset(read_table(dbt_project, SCD3_MODEL), SCD3_COLUMNS) == sorted(SCD3_EXPECTED)


def test_scd3_attribute_added_without_append_fails_naming_its_columns(duckdb_project: DbtProject) -> None:
    _load_scd3(duckdb_project, 1, "--full-refresh")
    before = read_table(duckdb_project, SCD3_MODEL)
    # tier (already stored) becomes an attribute; without append_new_columns its columns are missing
    dbt_vars = {
        "scd3_new_attribute_batch": 1,
        "scd_on_schema_change": "fail",
        "scd3_new_attribute_columns": ["name", "tier"],
    }
    result = duckdb_project.run("run", "--select", SCD3_MODEL, dbt_vars=dbt_vars)
    assert not result.ok, "an SCD3 attribute without its columns was loaded"
    message = (
        f"pipeline_kit.scd: {SCD3_MODEL}: the table lacks the columns of attributes new to `scd3_columns`"
    )
    assert message in result.output and "(got previous_tier, tier_changed_at)" in result.output, result.tail()
    assert read_table(duckdb_project, SCD3_MODEL) == before


def test_scd3_attribute_taken_out_fails_naming_its_columns(duckdb_project: DbtProject) -> None:
    built = {"scd3_new_attribute_batch": 1, "scd3_new_attribute_columns": ["name", "tier"]}
    assert duckdb_project.run("run", "--select", SCD3_MODEL, "--full-refresh", dbt_vars=built).ok
    before = read_table(duckdb_project, SCD3_MODEL)
    dbt_vars = {"scd3_new_attribute_batch": 1, "scd3_new_attribute_columns": ["tier"]}
    result = duckdb_project.run("run", "--select", SCD3_MODEL, dbt_vars=dbt_vars)
    assert not result.ok, "a load dropped an SCD3 attribute's columns silently"
    message = f"pipeline_kit.scd: {SCD3_MODEL}: the table has SCD3 columns of attributes no longer in"
    assert message in result.output and "(got previous_name, name_changed_at)" in result.output, result.tail()
    assert read_table(duckdb_project, SCD3_MODEL) == before


def test_retyped_column_fails_naming_it(dbt_project: DbtProject) -> None:
    """score integer -> decimal(10,2) fails, naming the column. Without the check the load
    succeeded; with batch 2 (a later change time) every key, the unchanged key 2 too, got a new
    version with the same score, since the state hash is of '20.00' where the stored one is of '20'."""
    _load(dbt_project, 1, "--full-refresh")
    before = read_table(dbt_project, MODEL)
    dbt_vars = {"scd_new_column_batch": 1, "scd_score_type": "decimal(10, 2)"}
    result = dbt_project.run("run", "--select", MODEL, dbt_vars=dbt_vars)
    assert not result.ok, "a load with a retyped column succeeded"
    assert (
        f"pipeline_kit.scd: {MODEL}: the model's columns have other types than the table's" in result.output
    )
    assert "(got score " in result.output.lower(), result.tail()
    assert read_table(dbt_project, MODEL) == before


@pytest.mark.parametrize(
    ("built", "loaded"),
    [
        ("integer", "smallint"),
        ("integer", "bigint"),
        ("decimal(12, 2)", "decimal(13, 2)"),
        ("integer", "decimal(12, 0)"),
    ],
)
def test_type_the_table_holds_is_no_change(duckdb_project: DbtProject, built: str, loaded: str) -> None:
    """Types whose values are written unchanged (or fail the write when too large): the load goes
    on, and the unchanged rows stay one version each. decimal(12,2) + 1 is decimal(13,2) on DuckDB."""
    dbt_vars: dict[str, object] = {"scd_new_column_batch": 1, "scd_score_type": built}
    assert duckdb_project.run("run", "--select", MODEL, "--full-refresh", dbt_vars=dbt_vars).ok
    before = read_table(duckdb_project, MODEL)
    result = duckdb_project.run("run", "--select", MODEL, dbt_vars={**dbt_vars, "scd_score_type": loaded})
    assert result.ok, result.tail()
    assert read_table(duckdb_project, MODEL) == before
