"""A concurrent writer on PostgreSQL: without a unique index nothing stops two sessions from
inserting one key twice. Here another session has inserted (not yet committed) an older version of
a key that the batch brings as new. pipeline_kit_merge must wait for it on a table lock and, once
it commits, match that row and update it; without the lock its MERGE does not see the row and
inserts the key a second time."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from ..conftest import project_for
from ..dbt_harness import AdapterTarget, DbtProject, DbtResult, connect_postgres
from .inprocess import run_inprocess
from .warehouse import normalise, read_table

pytestmark = pytest.mark.integration

MODEL = "merge_cdc_hard"  # unique_key: tenant, order_id; ordering: updated_at; hard deletes


def waiting_lock_modes(cursor: Any, schema: str) -> list[str]:
    cursor.execute(
        "select l.mode from pg_locks as l join pg_class as c on c.oid = l.relation "
        "join pg_namespace as n on n.oid = c.relnamespace "
        "where not l.granted and c.relname = %s and n.nspname = %s",
        (MODEL, schema),
    )
    return [row[0] for row in cursor.fetchall()]


def test_merge_waits_for_a_concurrent_insert_of_a_new_key(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Any
) -> None:
    project: DbtProject = project_for("postgres", adapter_targets, tmp_root)
    schema = project.target.schema
    assert run_inprocess(project, "seed", "--select", "merge_cdc_events", "--full-refresh").ok
    loaded = run_inprocess(project, "run", "--select", MODEL, "--full-refresh", dbt_vars={"merge_batch": 1})
    assert loaded.ok, loaded.output
    present = {(row["tenant"], row["order_id"]) for row in read_table(project, MODEL)}

    writer = connect_postgres()  # its transaction stays open until commit
    results: list[DbtResult] = []
    try:
        cursor = writer.cursor()
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
        tenant, order_id, status, amount, updated_at = new_rows[0]
        # the other session's row: the same key, older than the batch's change, not yet committed
        cursor.execute(
            f'insert into "{schema}".{MODEL} (tenant, order_id, status, amount, updated_at) '
            "values (%s, %s, 'elsewhere', %s, %s - interval '1 day')",
            (tenant, order_id, amount, updated_at),
        )
        thread = threading.Thread(
            target=lambda: results.append(project.run("run", "--select", MODEL, dbt_vars={"merge_batch": 2}))
        )
        thread.start()
        observer = connect_postgres()
        observer.autocommit = True
        try:
            deadline = time.monotonic() + 120
            modes: list[str] = []
            while not modes and thread.is_alive() and time.monotonic() < deadline:
                time.sleep(0.2)
                modes = waiting_lock_modes(observer.cursor(), schema)
        finally:
            observer.close()
        assert modes == ["ShareRowExclusiveLock"], (
            f"the merge did not wait for the other session on a table lock (waiting: {modes}, "
            f"finished: {results[0].tail() if results else 'no'})"
        )
        writer.commit()
        thread.join(timeout=300)
    finally:
        writer.rollback()
        writer.close()
    assert results and results[0].ok, results[0].tail() if results else "the merge did not finish"
    rows = read_table(project, MODEL)
    keys = [(row["tenant"], row["order_id"]) for row in rows]
    assert len(keys) == len(set(keys)), f"a key is in the table twice: {sorted(keys)}"
    (merged,) = [
        row for row in rows if (row["tenant"], row["order_id"]) == (normalise(tenant), normalise(order_id))
    ]
    assert merged["status"] == normalise(status), merged  # the batch's newer change won over the older row
