"""deduplicate over a relation with a `json` column. Its tie breakers are the relation's columns,
and PostgreSQL's `json` has no ordering operator: `order by ..., "payload" nulls last` once
failed with "could not identify an ordering operator for type json". PostgreSQL now orders such
a column by its text form, which is how DuckDB orders its JSON: both keep the same rows.

Models: integration_tests/models/dedup/dedup_json_source.sql (ties on `v` that differ only in
the payload, one of them NULL, or only in `doc`: `jsonb` on PostgreSQL, which it orders as it is)
and dedup_json.sql. Snowflake has no `json` type (its JSON is a VARIANT, which it orders), so it
is not run here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..conftest import project_for
from ..dbt_harness import AdapterTarget
from ..merge.warehouse import query

pytestmark = pytest.mark.integration

# id -> (v, payload, doc): the highest v; on a tie the smallest payload text, a NULL payload last,
# then the smallest doc, a NULL last
EXPECTED = {
    1: (2, {"k": "a"}, {"d": 1}),
    2: (1, {"x": 1}, {"d": 1}),
    3: (5, {"y": 2}, {"d": 1}),
    4: (1, {"w": 1}, {"d": 1}),
}


@pytest.mark.parametrize("adapter", ["duckdb", "postgres"])
def test_deduplicate_over_a_json_column(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path
) -> None:
    if adapter == "duckdb":
        import duckdb

        try:
            duckdb.connect().execute("select cast('{}' as json)")
        except duckdb.Error as error:  # the json extension is neither built in nor loadable here
            pytest.skip(f"DuckDB has no JSON type here: {error}")
    project = project_for(adapter, adapter_targets, tmp_root)
    result = project.run(
        "run", "--select", "dedup_json_source", "dedup_json", dbt_vars={"dedup_json_enabled": True}
    )
    assert result.ok, f"dbt run on {adapter}:\n{result.tail()}"
    _, rows = query(
        project,
        f'select id, v, cast(payload as text), cast(doc as text) from "{project.target.schema}"."dedup_json"',
    )
    actual = {int(key): (int(v), json.loads(payload), json.loads(doc)) for key, v, payload, doc in rows}
    assert len(actual) == len(rows), f"a key kept twice: {rows}"
    assert actual == EXPECTED
