"""A concurrent writer on PostgreSQL: an SCD load stages the touched keys' rows (and their ctids)
in one statement and replaces them in a later one, so it must keep other writers out in between.
Here another session holds an uncommitted update of a current row the batch replaces; the load
must wait for it (a lock on the table, not a row) and, once it commits, still leave exactly one
current version per key. Without the table lock the load deletes the row's old version by ctid,
misses the new one and keeps two current rows."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

import pytest

from ...unit.scd.reference import Event, check_invariants, reference_versions
from ..dbt_harness import DbtProject, DbtResult, connect_postgres
from .test_scd_property import Warehouse

pytestmark = pytest.mark.integration

T0 = datetime(2024, 1, 1)
FIRST = [Event((1, None), T0, "a"), Event((2, "x"), T0, "b")]
SECOND = [Event((1, None), T0 + timedelta(minutes=10), "c")]


def load(project: DbtProject, *extra: str) -> DbtResult:
    return project.run(
        "run",
        "--select",
        "scd_prop",
        *extra,
        dbt_vars={"scd_prop": True, "scd_prop_schema": project.target.schema},
    )


def waiting_lock_modes(cursor: object, schema: str) -> list[str]:
    cursor.execute(  # type: ignore[attr-defined]
        "select l.mode from pg_locks as l join pg_class as c on c.oid = l.relation "
        "join pg_namespace as n on n.oid = c.relnamespace "
        "where not l.granted and c.relname = 'scd_prop' and n.nspname = %s",
        (schema,),
    )
    return [row[0] for row in cursor.fetchall()]  # type: ignore[attr-defined]


def test_load_waits_for_a_concurrent_writer_and_keeps_one_current_row(dbt_project: DbtProject) -> None:
    if dbt_project.target.name != "postgres":
        pytest.skip("only PostgreSQL deletes staged rows by ctid; DuckDB has one writer per file")
    schema = dbt_project.target.schema
    warehouse = Warehouse(dbt_project)
    warehouse.write_batch(FIRST)
    assert (first := load(dbt_project, "--full-refresh")).ok, first.tail()
    warehouse.write_batch(SECOND)

    writer = connect_postgres()  # a transaction stays open until commit
    results: list[DbtResult] = []
    try:
        cursor = writer.cursor()
        # a new version of key (1, NULL)'s current row, same content, under a row lock
        cursor.execute(
            f'update "{schema}".scd_prop set val = val where k1 = 1 and k2 is null and valid_to is null'
        )
        assert cursor.rowcount == 1
        thread = threading.Thread(target=lambda: results.append(load(dbt_project)))
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
            f"the load did not wait for the writer's open transaction on a table lock (waiting: {modes}, "
            f"finished: {results[0].tail() if results else 'no'})"
        )
        writer.commit()
        thread.join(timeout=300)
    finally:
        writer.rollback()
        writer.close()
    assert results and results[0].ok, results[0].tail() if results else "the load did not finish"
    actual = warehouse.versions()
    check_invariants(actual)
    assert sorted(actual, key=repr) == sorted(reference_versions([FIRST, SECOND]), key=repr)
