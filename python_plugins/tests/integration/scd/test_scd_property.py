"""Property test: random change streams (several changes per key per batch, late changes,
NULL values, a NULL inside the composite key) loaded batch by batch with materialized='scd'
answer "state as of time T" exactly like the Python reference, and keep the SCD2 invariants.
The model uses strategy='check', so the reference is `stored_versions`: a version keeps when its
state was first and last seen, not the identical observations in between (see its docstring).
DuckDB runs more examples; PostgreSQL a shorter run. One dbt invocation per batch."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ...unit.scd.reference import Event, Version, check_invariants, state_as_of, stored_versions
from ..dbt_harness import DbtProject, DbtResult

pytestmark = pytest.mark.integration

T0 = datetime(2024, 1, 1)
KEYS = [(0, None), (0, "x"), (1, None), (2, "x")]


def minute(m: int) -> datetime:
    return T0 + timedelta(minutes=m)


@st.composite
def batches(draw: Any) -> list[list[Event]]:
    result = []
    for _ in range(draw(st.integers(1, 3))):
        events = draw(
            st.lists(
                st.builds(
                    Event,
                    st.sampled_from(KEYS),
                    st.integers(0, 40).map(minute),
                    st.sampled_from(["a", "b", "c", None]),
                ),
                min_size=1,
                max_size=12,
                unique_by=lambda e: (e.key, e.changed_at),  # one row per key and time in a batch
            )
        )
        result.append(events)
    return result


class Warehouse:
    """Write the input table and read the dimension back, on DuckDB or PostgreSQL."""

    def __init__(self, project: DbtProject) -> None:
        self.project = project
        self.name = project.target.name

    def _connect(self) -> Any:
        if self.name == "duckdb":
            import duckdb

            return duckdb.connect(self.project.target.env["PK_DUCKDB_PATH"])
        import psycopg2

        connection = psycopg2.connect(
            host=os.environ.get("PK_PG_HOST", "127.0.0.1"),
            port=int(os.environ.get("PK_PG_PORT", "5432")),
            user=os.environ.get("PK_PG_USER", "postgres"),
            password=os.environ.get("PK_PG_PASSWORD", ""),
            dbname=os.environ.get("PK_PG_DBNAME", "postgres"),
        )
        connection.autocommit = True
        return connection

    def _execute(self, statements: list[tuple[str, tuple[Any, ...]]], fetch: bool = False) -> list[Any]:
        connection = self._connect()
        try:
            cursor = connection.cursor()
            rows: list[Any] = []
            for sql, params in statements:
                cursor.execute(sql.replace("%s", "?") if self.name == "duckdb" else sql, params)
                if fetch:
                    rows = list(cursor.fetchall())
            return rows
        finally:
            connection.close()

    def write_batch(self, events: list[Event]) -> None:
        schema = self.project.target.schema
        statements: list[tuple[str, tuple[Any, ...]]] = [
            (f'create schema if not exists "{schema}"', ()),
            (f'drop table if exists "{schema}".scd_prop_input', ()),
            (
                f'create table "{schema}".scd_prop_input '
                "(k1 integer, k2 varchar(4), val varchar(4), updated_at timestamp)",
                (),
            ),
        ]
        for event in events:
            k1, k2 = event.key
            statements.append(
                (
                    f'insert into "{schema}".scd_prop_input values (%s, %s, %s, %s)',
                    (k1, k2, event.value, event.changed_at),
                )
            )
        self._execute(statements)

    def load(self, *extra: str) -> DbtResult:
        """Run the scd_prop model over the input table (extra: e.g. --full-refresh)."""
        return self.project.run(
            "run",
            "--select",
            "scd_prop",
            *extra,
            dbt_vars={"scd_prop": True, "scd_prop_schema": self.project.target.schema},
        )

    def versions(self) -> list[Version]:
        schema = self.project.target.schema
        rows = self._execute(
            [(f'select k1, k2, val, valid_from, valid_to, is_current from "{schema}".scd_prop', ())],
            fetch=True,
        )
        versions = []
        for k1, k2, val, valid_from, valid_to, is_current in rows:
            assert is_current == (valid_to is None)
            versions.append(Version((k1, k2), val, valid_from, valid_to))
        return versions


def run_stream(project: DbtProject, stream: list[list[Event]]) -> None:
    warehouse = Warehouse(project)
    for index, batch in enumerate(stream):
        warehouse.write_batch(batch)
        result = warehouse.load(*(["--full-refresh"] if index == 0 else []))
        assert result.ok, result.tail()
        actual = warehouse.versions()
        expected = stored_versions(stream[: index + 1])
        check_invariants(actual)
        # no lost versions: the same versions as the reference, not only the same current state
        assert sorted(actual, key=repr) == sorted(expected, key=repr), f"after batch {index + 1}"
        for m in range(-1, 42):
            assert state_as_of(actual, minute(m)) == state_as_of(expected, minute(m)), f"as of minute {m}"


# No shrinking: each step is a dbt run, and the failing stream is printed in full anyway.
SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture],
    "phases": [Phase.explicit, Phase.reuse, Phase.generate],
    "print_blob": True,
}


@settings(max_examples=6, **SETTINGS)  # type: ignore[arg-type]
@given(stream=batches())
def test_scd2_matches_reference_on_duckdb(duckdb_project: DbtProject, stream: list[list[Event]]) -> None:
    run_stream(duckdb_project, stream)


@pytest.fixture
def postgres_project(dbt_project: DbtProject) -> DbtProject:
    if dbt_project.target.name != "postgres":
        pytest.skip("the shorter PostgreSQL run; DuckDB has its own test")
    return dbt_project


@settings(max_examples=3, **SETTINGS)  # type: ignore[arg-type]
@given(stream=batches())
def test_scd2_matches_reference_on_postgres(postgres_project: DbtProject, stream: list[list[Event]]) -> None:
    run_stream(postgres_project, stream)
