"""Run a dbt command while another PostgreSQL session holds an open transaction, and see which
table locks the command waited for (the concurrency tests of the merge and SCD materializations)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from .dbt_harness import DbtResult, connect_postgres


def waiting_lock_modes(cursor: Any, schema: str, table: str) -> list[str]:
    """The modes of the locks on schema.table that some session is waiting for."""
    cursor.execute(
        "select l.mode from pg_locks as l join pg_class as c on c.oid = l.relation "
        "join pg_namespace as n on n.oid = c.relnamespace "
        "where not l.granted and c.relname = %s and n.nspname = %s",
        (table, schema),
    )
    return [row[0] for row in cursor.fetchall()]


def _run_against_open_transaction(
    writer: Any, command: Callable[[], DbtResult], schema: str, table: str, wait_s: float
) -> tuple[list[str], DbtResult | None]:
    """Start `command` in a thread while `writer` (a psycopg2 connection with uncommitted
    changes) is open; wait until the command waits for a lock on schema.table, finishes, or
    `wait_s` passes; then commit the writer and let the command finish. Returns the lock modes
    the command was seen waiting for (empty when it never waited) and its result."""
    results: list[DbtResult] = []
    thread = threading.Thread(target=lambda: results.append(command()))
    thread.start()
    observer = connect_postgres()
    observer.autocommit = True
    modes: list[str] = []
    try:
        deadline = time.monotonic() + wait_s
        while not modes and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.2)
            modes = waiting_lock_modes(observer.cursor(), schema, table)
    finally:
        observer.close()
        writer.commit()
        thread.join(timeout=300)
    return modes, (results[0] if results else None)


def assert_waits_for_other_writer(
    prepare: Callable[[Any], None],
    command: Callable[[], DbtResult],
    schema: str,
    table: str,
    wait_s: float = 120,
) -> DbtResult:
    """Another session runs `prepare(cursor)` (its DML on schema.table) and keeps its transaction
    open while `command` runs; the command must wait for it on a SHARE ROW EXCLUSIVE table lock,
    then succeed once the other session commits."""
    writer = connect_postgres()
    try:
        prepare(writer.cursor())
        modes, result = _run_against_open_transaction(writer, command, schema, table, wait_s)
    finally:
        writer.rollback()
        writer.close()
    assert modes == ["ShareRowExclusiveLock"], (
        f"{schema}.{table}: the run did not wait for the other session on a table lock (waiting: {modes})"
    )
    assert result is not None and result.ok, result.tail() if result else "the run did not finish"
    return result
