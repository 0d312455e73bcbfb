"""Soft deletes with `merge_update_columns`: an update of a live row writes only the update
columns, but a change reviving a soft-deleted row, or the tombstone a delete of an unseen key
left, is an insert and writes every column. (The revive once went through the update path: the
revived rows kept the deleted row's `amount`, or the tombstone's NULL.)

Model: integration_tests/models/merge/merge_soft_revive.sql (merge_update_columns=['status']).
Every adapter and path: DuckDB's staged delete + insert, the MERGE on PostgreSQL and Snowflake,
and PostgreSQL's fallback (UPDATE / INSERT)."""

from __future__ import annotations

from typing import Any

import pytest

from ..dbt_harness import DbtProject
from .warehouse import read_table

pytestmark = pytest.mark.integration

COLUMNS = ["id", "status", "amount", "seq", "is_deleted"]
BATCHES: list[tuple[list[dict[str, Any]], list[tuple[str, ...]]]] = [
    ([{"id": 1, "status": "new", "amount": 10, "seq": 1, "op": "I"}], [("1", "new", "10", "1", "false")]),
    # key 1 deleted (its values kept); key 3, never seen, leaves a tombstone
    (
        [{"id": 1, "seq": 2, "op": "D"}, {"id": 3, "seq": 2, "op": "D"}],
        [("1", "new", "10", "2", "true"), ("3", "", "", "2", "true")],
    ),
    # both come back: every column from the change
    (
        [
            {"id": 1, "status": "back", "amount": 11, "seq": 3, "op": "I"},
            {"id": 3, "status": "late", "amount": 33, "seq": 3, "op": "I"},
        ],
        [("1", "back", "11", "3", "false"), ("3", "late", "33", "3", "false")],
    ),
    # an update of a live row writes status (and the ordering column) only
    (
        [{"id": 1, "status": "again", "amount": 99, "seq": 4, "op": "U"}],
        [("1", "again", "11", "4", "false"), ("3", "late", "33", "3", "false")],
    ),
]


def _run_batches(project: DbtProject, fallback: bool) -> None:
    for number, (rows, expected) in enumerate(BATCHES, start=1):
        args = ["run", "--select", "merge_soft_revive"] + (["--full-refresh"] if number == 1 else [])
        dbt_vars = {"merge_revive_enabled": True, "merge_revive_rows": rows, "merge_force_fallback": fallback}
        result = project.run(*args, dbt_vars=dbt_vars)
        assert result.ok, f"batch {number} on {project.target.name}:\n{result.tail()}"
        actual = sorted(tuple(row[c] for c in COLUMNS) for row in read_table(project, "merge_soft_revive"))
        assert actual == expected, f"after batch {number} on {project.target.name} (fallback={fallback})"


def test_revive_writes_every_column(dbt_project: DbtProject) -> None:
    _run_batches(dbt_project, fallback=False)


def test_revive_writes_every_column_on_the_fallback(dbt_project: DbtProject) -> None:
    if dbt_project.target.name != "postgres":
        pytest.skip("the UPDATE / INSERT fallback is PostgreSQL's (< 15, or merge_force_fallback)")
    _run_batches(dbt_project, fallback=True)
