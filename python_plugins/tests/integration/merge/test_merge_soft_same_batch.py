"""Soft deletes when a batch carries another change of the key before its delete: the row keeps
that change's values where the change applies, as when the two arrive in batches of their own.
(Before, the delete kept the values the table held before the batch: an update followed by a
delete in one batch lost the update, and an insert followed by a delete left a tombstone of NULLs.)

Model: integration_tests/models/merge/merge_soft_revive.sql (merge_update_columns=['status'], so
an update writes `status` only, while a change reviving a deleted row writes every column).
Every adapter and path: DuckDB's staged delete + insert, the MERGE on PostgreSQL and Snowflake,
and the UPDATE / INSERT fallback (forced on DuckDB and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest

from ..dbt_harness import DbtProject
from .warehouse import read_table

pytestmark = pytest.mark.integration

COLUMNS = ["id", "status", "amount", "seq", "is_deleted", "deleted_at"]
FIRST = [
    {"id": 1, "status": "new", "amount": 10, "seq": 1, "op": "I"},
    {"id": 2, "status": "new", "amount": 20, "seq": 1, "op": "I"},
    {"id": 4, "seq": 1, "op": "D"},
]
LIVE = [
    {"id": 1, "status": "paid", "amount": 99, "seq": 2, "op": "U"},  # applies: status only
    {"id": 2, "status": "old", "amount": 98, "seq": 0, "op": "U"},  # older than the row: ignored
    {"id": 3, "status": "born", "amount": 30, "seq": 2, "op": "I"},  # an unseen key
    {"id": 4, "status": "back", "amount": 40, "seq": 2, "op": "I"},  # revives the tombstone: every column
]
DELETES = [{"id": key, "seq": 3, "op": "D"} for key in (1, 2, 3, 4, 5)]
EXPECTED = [
    ("1", "paid", "10", "3", "true", "3"),
    ("2", "new", "20", "3", "true", "3"),
    ("3", "born", "30", "3", "true", "3"),
    ("4", "back", "40", "3", "true", "3"),
    ("5", "", "", "3", "true", "3"),
]


def _load(
    project: DbtProject, rows: list[dict[str, Any]], fallback: bool, full_refresh: bool = False
) -> None:
    args = ["run", "--select", "merge_soft_revive"] + (["--full-refresh"] if full_refresh else [])
    dbt_vars = {"merge_revive_enabled": True, "merge_revive_rows": rows, "merge_force_fallback": fallback}
    result = project.run(*args, dbt_vars=dbt_vars)
    assert result.ok, f"{project.target.name} (fallback={fallback}):\n{result.tail()}"


def _table(project: DbtProject) -> list[tuple[str, ...]]:
    return sorted(tuple(row[c] for c in COLUMNS) for row in read_table(project, "merge_soft_revive"))


@pytest.mark.parametrize("fallback", [False, True], ids=["main_path", "fallback"])
def test_update_then_delete_in_one_batch_keeps_the_update(dbt_project: DbtProject, fallback: bool) -> None:
    if fallback and dbt_project.target.name == "snowflake":
        pytest.skip("the fallback is forced on DuckDB and PostgreSQL; Snowflake always MERGEs")
    where = f"{dbt_project.target.name} (fallback={fallback})"
    # the same changes in two batches (the changes, then the deletes) give the expected table ...
    _load(dbt_project, FIRST, fallback, full_refresh=True)
    _load(dbt_project, LIVE, fallback)
    _load(dbt_project, DELETES, fallback)
    assert _table(dbt_project) == EXPECTED, f"two batches on {where}"
    # ... and so do they in one batch, shuffled, which a replay leaves as it is
    _load(dbt_project, FIRST, fallback, full_refresh=True)
    one_batch = DELETES[::-1] + LIVE
    _load(dbt_project, one_batch, fallback)
    assert _table(dbt_project) == EXPECTED, f"one batch on {where}"
    _load(dbt_project, one_batch, fallback)
    assert _table(dbt_project) == EXPECTED, f"the batch replayed on {where}"
