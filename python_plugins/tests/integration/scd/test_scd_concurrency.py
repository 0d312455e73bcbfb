"""A concurrent writer on PostgreSQL: an SCD load stages the touched keys' rows (and their ctids)
in one statement and replaces them in a later one, so it must keep other writers out in between.
Here another session holds an uncommitted update of a current row the batch replaces; the load
must wait for it (a lock on the table, not a row) and, once it commits, still leave exactly one
current version per key. Without the table lock the load deletes the row's old version by ctid,
misses the new one and keeps two current rows."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from ...unit.scd.reference import Event, check_invariants, reference_versions
from ..conftest import project_for
from ..dbt_harness import AdapterTarget
from ..pg_concurrency import assert_waits_for_other_writer
from .test_scd_property import Warehouse

pytestmark = pytest.mark.integration

T0 = datetime(2024, 1, 1)
FIRST = [Event((1, None), T0, "a"), Event((2, "x"), T0, "b")]
SECOND = [Event((1, None), T0 + timedelta(minutes=10), "c")]


def test_load_waits_for_a_concurrent_writer_and_keeps_one_current_row(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Any
) -> None:
    # PostgreSQL only: it deletes staged rows by ctid; DuckDB has one writing process per file
    dbt_project = project_for("postgres", adapter_targets, tmp_root)
    schema = dbt_project.target.schema
    warehouse = Warehouse(dbt_project)
    warehouse.write_batch(FIRST)
    assert (first := warehouse.load("--full-refresh")).ok, first.tail()
    warehouse.write_batch(SECOND)

    def hold_a_row_lock(cursor: Any) -> None:
        # a new version of key (1, NULL)'s current row, same content, under a row lock
        cursor.execute(
            f'update "{schema}".scd_prop set val = val where k1 = 1 and k2 is null and valid_to is null'
        )
        assert cursor.rowcount == 1

    assert_waits_for_other_writer(hold_a_row_lock, warehouse.load, schema, "scd_prop")
    actual = warehouse.versions()
    check_invariants(actual)
    assert sorted(actual, key=repr) == sorted(reference_versions([FIRST, SECOND]), key=repr)
