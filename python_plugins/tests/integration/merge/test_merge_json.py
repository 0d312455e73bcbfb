"""A `json` column through pipeline_kit_merge. PostgreSQL's `json` has neither an ordering nor an
equality operator, so the batch's tie breaker (`order by ..., payload nulls last`) and the change
test (`t.payload is distinct from s.payload`) once failed every build with "could not identify
an ordering operator for type json". PostgreSQL now uses the column's text form for both; the
results must match DuckDB's (whose JSON orders and compares as its text). A `jsonb` column (`doc`,
JSON on DuckDB), which PostgreSQL orders and compares, is used as it is.

Model: integration_tests/models/merge/merge_json.sql. PostgreSQL's MERGE and its fallback
(UPDATE / INSERT), and DuckDB's staged delete + insert. Snowflake has no `json` type (its JSON
is a VARIANT, which it orders), so it is not run here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ..conftest import project_for
from ..dbt_harness import AdapterTarget, DbtProject
from .warehouse import query

pytestmark = pytest.mark.integration

Rows = list[dict[str, Any]]
Expected = dict[int, tuple[int, Any, Any]]  # id -> (seq, payload, doc), the documents parsed

BATCHES: list[tuple[Rows, Expected]] = [
    # key 4 comes twice with the same seq: the smaller payload text wins the tie
    (
        [
            {"id": 1, "seq": 1, "payload": '{"a": 1}', "doc": '{"d": 1}'},
            {"id": 2, "seq": 1, "payload": '{"b": [1, 2]}', "doc": '{"d": 2}'},
            {"id": 3, "seq": 1, "payload": None, "doc": None},
            {"id": 4, "seq": 1, "payload": '{"z": 2}', "doc": '{"d": 4}'},
            {"id": 4, "seq": 1, "payload": '{"z": 1}', "doc": '{"d": 4}'},
        ],
        {
            1: (1, {"a": 1}, {"d": 1}),
            2: (1, {"b": [1, 2]}, {"d": 2}),
            3: (1, None, None),
            4: (1, {"z": 1}, {"d": 4}),
        },
    ),
    # an update of the json value, NULLs that get a value, two rows sent again unchanged, a new key
    (
        [
            {"id": 1, "seq": 2, "payload": '{"a": 2}', "doc": '{"d": 1}'},
            {"id": 2, "seq": 1, "payload": '{"b": [1, 2]}', "doc": '{"d": 2}'},
            {"id": 3, "seq": 2, "payload": '{"c": 3}', "doc": '{"d": 3}'},
            {"id": 4, "seq": 1, "payload": '{"z": 1}', "doc": '{"d": 4}'},
            {"id": 5, "seq": 2, "payload": '{"e": null}', "doc": None},
        ],
        {
            1: (2, {"a": 2}, {"d": 1}),
            2: (1, {"b": [1, 2]}, {"d": 2}),
            3: (2, {"c": 3}, {"d": 3}),
            4: (1, {"z": 1}, {"d": 4}),
            5: (2, {"e": None}, None),
        },
    ),
    # a json value that becomes NULL; a change of the other document alone (same seq)
    (
        [
            {"id": 1, "seq": 3, "payload": None, "doc": '{"d": 1}'},
            {"id": 2, "seq": 1, "payload": '{"b": [1, 2]}', "doc": '{"d": 20}'},
        ],
        {
            1: (3, None, {"d": 1}),
            2: (1, {"b": [1, 2]}, {"d": 20}),
            3: (2, {"c": 3}, {"d": 3}),
            4: (1, {"z": 1}, {"d": 4}),
            5: (2, {"e": None}, None),
        },
    ),
]


@pytest.fixture(params=["duckdb", "postgres"])
def project(
    request: pytest.FixtureRequest, adapter_targets: dict[str, AdapterTarget], tmp_root: Path
) -> DbtProject:
    if request.param == "duckdb":
        require_duckdb_json()
    return project_for(str(request.param), adapter_targets, tmp_root)


def require_duckdb_json() -> None:
    import duckdb

    try:
        duckdb.connect().execute("select cast('{}' as json)")
    except duckdb.Error as error:  # the json extension is neither built in nor loadable here
        pytest.skip(f"DuckDB has no JSON type here: {error}")


def parsed(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def read_json_table(project: DbtProject) -> Expected:
    table_name = f'"{project.target.schema}"."merge_json"'
    _, rows = query(project, f"select id, seq, cast(payload as text), cast(doc as text) from {table_name}")
    table = {int(key): (int(seq), parsed(payload), parsed(doc)) for key, seq, payload, doc in rows}
    assert len(table) == len(rows), f"a key stored twice: {rows}"
    return table


def row_versions(project: DbtProject) -> dict[int, str]:
    """PostgreSQL: the transaction that wrote each row (xmin); a rewrite of a row changes it."""
    _, rows = query(project, f'select id, cast(xmin as text) from "{project.target.schema}"."merge_json"')
    return {int(key): version for key, version in rows}


def _run_batches(project: DbtProject, fallback: bool) -> None:
    versions: dict[int, str] = {}
    for number, (rows, expected) in enumerate(BATCHES, start=1):
        args = ["run", "--select", "merge_json"] + (["--full-refresh"] if number == 1 else [])
        dbt_vars = {"merge_json_enabled": True, "merge_json_rows": rows, "merge_force_fallback": fallback}
        result = project.run(*args, dbt_vars=dbt_vars)
        assert result.ok, f"batch {number} on {project.target.name} (fallback={fallback}):\n{result.tail()}"
        actual = read_json_table(project)
        assert actual == expected, f"after batch {number} on {project.target.name} (fallback={fallback})"
        if project.target.name == "postgres":
            now = row_versions(project)
            if number == 2:
                # the rows sent again unchanged are not rewritten; the updated ones are
                assert now[2] == versions[2] and now[4] == versions[4], (versions, now)
                assert now[1] != versions[1] and now[3] != versions[3], (versions, now)
            versions = now


def test_json_column_merges(project: DbtProject) -> None:
    _run_batches(project, fallback=False)


def test_json_column_merges_on_the_fallback(project: DbtProject) -> None:
    if project.target.name != "postgres":
        pytest.skip("the UPDATE / INSERT fallback is PostgreSQL's (< 15, or merge_force_fallback)")
    _run_batches(project, fallback=True)
