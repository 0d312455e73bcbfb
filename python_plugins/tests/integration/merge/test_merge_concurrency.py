"""A concurrent writer on PostgreSQL: without a unique index nothing stops two sessions from
inserting one key twice. Here another session has inserted (not yet committed) an older version of
a key that the batch brings as new. pipeline_kit_merge must wait for it on a table lock and, once
it commits, match that row and update it; without the lock its MERGE does not see the row and
inserts the key a second time."""

from __future__ import annotations

from typing import Any

import pytest

from ..conftest import project_for
from ..dbt_harness import AdapterTarget, DbtProject, DbtResult
from ..pg_concurrency import assert_waits_for_other_writer
from .warehouse import normalise, read_table

pytestmark = pytest.mark.integration

MODEL = "merge_cdc_hard"  # unique_key: tenant, order_id; ordering: updated_at; hard deletes


def test_merge_waits_for_a_concurrent_insert_of_a_new_key(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Any
) -> None:
    project: DbtProject = project_for("postgres", adapter_targets, tmp_root)
    schema = project.target.schema
    assert project.run("seed", "--select", "merge_cdc_events", "--full-refresh").ok
    loaded = project.run("run", "--select", MODEL, "--full-refresh", dbt_vars={"merge_batch": 1})
    assert loaded.ok, loaded.output
    present = {(row["tenant"], row["order_id"]) for row in read_table(project, MODEL)}

    chosen: dict[str, Any] = {}

    def insert_an_older_row(cursor: Any) -> None:
        # a key batch 2 inserts (its latest change is not a delete), absent from the table so far;
        # batch 2 has no new column, whose ALTER TABLE would wait for the writer in any case
        cursor.execute(
            f'select tenant, order_id, status, amount, updated_at from "{schema}".merge_cdc_events as e '
            "where batch_id = 2 and tenant is not null and op not in ('D', 'delete') and updated_at = ("
            f'  select max(x.updated_at) from "{schema}".merge_cdc_events as x'
            "  where x.batch_id <= 2 and x.tenant = e.tenant and x.order_id = e.order_id)"
        )
        new_rows = [row for row in cursor.fetchall() if (normalise(row[0]), normalise(row[1])) not in present]
        assert new_rows, "batch 2 of merge_cdc_events brings no new key: pick another batch"
        chosen.update(zip(["tenant", "order_id", "status", "amount", "updated_at"], new_rows[0], strict=True))
        # the other session's row: the same key, older than the batch's change, not yet committed
        cursor.execute(
            f'insert into "{schema}".{MODEL} (tenant, order_id, status, amount, updated_at) '
            "values (%(tenant)s, %(order_id)s, 'elsewhere', %(amount)s, %(updated_at)s - interval '1 day')",
            chosen,
        )

    def batch_2() -> DbtResult:
        return project.run("run", "--select", MODEL, dbt_vars={"merge_batch": 2})

    assert_waits_for_other_writer(insert_an_older_row, batch_2, schema, MODEL)
    rows = read_table(project, MODEL)
    keys = [(row["tenant"], row["order_id"]) for row in rows]
    assert len(keys) == len(set(keys)), f"a key is in the table twice: {sorted(keys)}"
    (merged,) = [
        row
        for row in rows
        if (row["tenant"], row["order_id"]) == (normalise(chosen["tenant"]), normalise(chosen["order_id"]))
    ]
    # the batch's change is newer than the other session's row, so it won
    assert merged["status"] == normalise(chosen["status"]), merged
