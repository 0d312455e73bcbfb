"""A change to a key with a long history rewrites one stored row, not the whole history.

The common SCD2 case (one change per key, newer than everything stored) ends the key's open
version and adds the new one. Before, the load deleted and re-inserted every version of a touched
key, so a key with many versions cost many rows per change. On PostgreSQL each row version
carries the transaction that wrote it (`xmin`): the closed versions must keep the first load's,
the ended open versions get the second load's. DuckDB has no such identity (its rowids are
positions, renumbered when a checkpoint compacts deleted rows), so this runs on PostgreSQL; the
same SQL path runs on every adapter and the batch suites check its results there."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from ...unit.scd.reference import Event, check_invariants, stored_versions
from ..conftest import project_for
from ..dbt_harness import AdapterTarget
from .test_scd_property import Warehouse

pytestmark = pytest.mark.integration

T0 = datetime(2024, 1, 1)
# key (1, NULL): five versions; key (2, 'x'): one
HISTORY = [Event((1, None), T0 + timedelta(minutes=i), value) for i, value in enumerate("abcde")]
HISTORY.append(Event((2, "x"), T0, "p"))
# one newer change for each stored key (the fast case) and a new key
BATCH = [
    Event((1, None), T0 + timedelta(hours=1), "f"),
    Event((2, "x"), T0 + timedelta(hours=1), "q"),
    Event((3, "y"), T0 + timedelta(hours=1), "r"),
]


def writers(warehouse: Warehouse) -> dict[tuple[Any, ...], str]:
    """The transaction that wrote each stored version, by (k1, k2, valid_from)."""
    schema = warehouse.project.target.schema
    rows = warehouse._execute(
        [(f'select k1, k2, valid_from, cast(xmin as text) from "{schema}".scd_prop', ())],
        fetch=True,
    )
    return {(k1, k2, valid_from): rid for k1, k2, valid_from, rid in rows}


def test_a_newer_change_rewrites_only_the_open_version(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Any
) -> None:
    dbt_project = project_for("postgres", adapter_targets, tmp_root)
    warehouse = Warehouse(dbt_project)
    warehouse.write_batch(HISTORY)
    assert (first := warehouse.load("--full-refresh")).ok, first.tail()
    before = writers(warehouse)
    assert len(before) == 6

    warehouse.write_batch(BATCH)
    assert (second := warehouse.load()).ok, second.tail()
    actual = warehouse.versions()
    check_invariants(actual)
    assert sorted(actual, key=repr) == sorted(stored_versions([HISTORY, BATCH]), key=repr)

    after = writers(warehouse)
    assert len(after) == 9
    open_before = [(1, None, T0 + timedelta(minutes=4)), (2, "x", T0)]
    closed_before = [version for version in before if version not in open_before]
    assert len(closed_before) == 4
    # the four closed versions of key (1, NULL) are the first load's rows, untouched
    assert {version: after[version] for version in closed_before} == {
        version: before[version] for version in closed_before
    }
    # the two open versions were ended, i.e. rewritten by the second load
    for version in open_before:
        assert after[version] != before[version], version
