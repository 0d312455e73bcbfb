"""dbt model contracts and `sql_header` on pipeline_kit_merge and scd, as dbt's built-ins have them.

- An enforced contract is checked on every run, not only when the table is created: dbt's
  incremental materialization checks it on each incremental run, so a model whose select drifts
  from its contract fails there with dbt's contract error, and so must ours (the contract lists
  the columns the materialization adds: audit columns, SCD2's validity columns). The failed run
  leaves the table as it was.
- `sql_header` runs before the model's select is read, so a select that needs it (here a
  session-scoped function the header defines, on DuckDB and PostgreSQL) works on the first build
  and on incremental runs.

Models: integration_tests/models/contracts/.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import project_for
from .dbt_harness import AdapterTarget
from .merge.warehouse import query, read_table

pytestmark = pytest.mark.integration

CONTRACT_ERROR = "This model has an enforced contract that failed"


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
@pytest.mark.parametrize("model", ["contract_merge", "contract_scd"])
def test_enforced_contract_is_checked_on_incremental_runs(
    adapter: str, model: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Any
) -> None:
    project = project_for(adapter, adapter_targets, tmp_root)
    built = project.run("run", "--select", model, "--full-refresh")
    assert built.ok, built.tail()
    incremental = project.run("run", "--select", model)
    assert incremental.ok, f"{model}: an incremental run within the contract failed:\n{incremental.tail()}"
    before = read_table(project, model)

    drifted = project.run("run", "--select", model, dbt_vars={"contract_drift": True})
    assert not drifted.ok, f"{model} ({adapter}): a select that breaks the contract was loaded"
    assert CONTRACT_ERROR in drifted.output, drifted.tail()
    assert "label" in drifted.output.lower() and "data type mismatch" in drifted.output, drifted.tail()
    assert read_table(project, model) == before, f"{model} ({adapter}): the failed run changed the table"

    # dbt's own check on a rebuild agrees: a full refresh with the drift fails the same way
    rebuilt = project.run("run", "--select", model, "--full-refresh", dbt_vars={"contract_drift": True})
    assert not rebuilt.ok and CONTRACT_ERROR in rebuilt.output, rebuilt.tail()


@pytest.mark.parametrize("adapter", ["duckdb", "postgres"])
def test_sql_header_runs_before_the_select(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Any
) -> None:
    project = project_for(adapter, adapter_targets, tmp_root)
    models = ["contract_merge", "contract_scd"]
    for args in (["--full-refresh"], []):  # the first build, then an incremental run
        result = project.run("build", "--select", *models, *args)
        assert result.ok, result.tail()
        for model in models:
            answers = {row["answer"] for row in read_table(project, model)}
            assert answers == {"42"}, f"{model}: {answers}"


def test_enforced_contract_keeps_sized_string_columns(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Any
) -> None:
    """Under an enforced contract the target's varchar(n) is not widened to the batch's length.

    dbt's incremental materialization skips `expand_target_column_types` when a contract is
    enforced; without a contract both widen (checked last). The contract check compares types without their
    lengths, so a batch whose label is varchar(24) passes it; the table's varchar(8) must then
    reject the longer value, and the failed run leaves the rows and the type as they were.
    PostgreSQL only: DuckDB's VARCHAR has no length, and the Snowflake emulator does not enforce one.
    """
    project = project_for("postgres", adapter_targets, tmp_root)
    model = "contract_merge_sized"
    built = project.run("run", "--select", model, "--full-refresh")
    assert built.ok, built.tail()
    before = read_table(project, model)
    length_sql = (
        "select character_maximum_length from information_schema.columns"
        " where table_schema = %s and table_name = %s and column_name = 'label'"
    )
    assert query(project, length_sql, (project.target.schema, model))[1] == [(8,)]

    longer = project.run("run", "--select", model, dbt_vars={"contract_long_label": True})
    assert not longer.ok, f"{model}: the target was widened beyond its contract's varchar(8)"
    assert "value too long for type character varying(8)" in longer.output, longer.tail()
    assert read_table(project, model) == before, f"{model}: the failed run changed the table"
    assert query(project, length_sql, (project.target.schema, model))[1] == [(8,)]

    # without a contract the target is widened to the batch's length and the row is loaded
    no_contract = {"contract_off": True}
    assert project.run("run", "--select", model, "--full-refresh", dbt_vars=no_contract).ok
    widened = project.run("run", "--select", model, dbt_vars={**no_contract, "contract_long_label": True})
    assert widened.ok, widened.tail()
    assert query(project, length_sql, (project.target.schema, model))[1] == [(24,)]
    labels = sorted(row["label"] for row in read_table(project, model))
    assert labels == ["a label of twenty chars", "one"], labels


def _snowflake_tables_like(project: Any, pattern: str) -> list[str]:
    shown = project.run(
        "show",
        "--inline",
        f"select table_name from information_schema.tables where table_name ilike '{pattern}'",
        "--output",
        "json",
        "--limit",
        "-1",
    )
    assert shown.ok, shown.tail()
    start = shown.output.index("{")
    payload, _ = json.JSONDecoder().raw_decode(shown.output[start:])
    return sorted(str(next(iter(row.values()))).lower() for row in payload["show"])


def test_snowflake_scratch_left_by_a_failed_run_goes_with_the_next(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Any
) -> None:
    """On Snowflake the merge's scratch table is a transient table named after the model: a run
    that fails after creating it (here on the contract) leaves it, and the next run replaces it
    (`create or replace`) and drops it."""
    project = project_for("snowflake", adapter_targets, tmp_root)
    model = "contract_merge"
    assert project.run("run", "--select", model, "--full-refresh").ok
    assert _snowflake_tables_like(project, f"{model}__pk_%") == []

    drifted = project.run("run", "--select", model, dbt_vars={"contract_drift": True})
    assert not drifted.ok and CONTRACT_ERROR in drifted.output, drifted.tail()
    assert _snowflake_tables_like(project, f"{model}__pk_%") == [f"{model}__pk_batch"]

    again = project.run("run", "--select", model)
    assert again.ok, again.tail()
    assert _snowflake_tables_like(project, f"{model}__pk_%") == []
