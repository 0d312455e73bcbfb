"""dbt's `grants` and `persist_docs` on pipeline_kit_merge and scd, as dbt's built-ins apply them.

A table the materializations build, load or rebuild carries the model's grants (PostgreSQL) and,
with `persist_docs`, the model's and its columns' descriptions as comments (DuckDB, PostgreSQL),
after the first build, after an incremental run, and after a full refresh of an existing table,
which builds a new table and swaps it in (a swapped-in table starts with neither).

Models: integration_tests/models/catalog/ (grants and docs are off unless their vars are set, so
the all-adapter build is unaffected). The grantee is a role this test creates.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import project_for
from .dbt_harness import AdapterTarget, DbtProject, connect_postgres
from .merge.warehouse import query

pytestmark = pytest.mark.integration

GRANTEE = "pk_catalog_reader"
MODELS = {
    "catalog_merge": {
        "table": "pipeline_kit_merge table whose grants and comments are checked (it's a test: quotes too)",
        "columns": {"id": "the order's key", "label": "the label, as the source spells it"},
    },
    "catalog_scd": {
        "table": "SCD2 dimension whose grants and comments are checked (it's a test: quotes too)",
        "columns": {"id": "the customer's key", "valid_from": "when this version became current"},
    },
}


def _create_grantee() -> None:
    connection = connect_postgres()
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            f"do $$ begin create role {GRANTEE}; exception when duplicate_object then null; end $$"
        )
    connection.close()


def _comments(project: DbtProject, model: str) -> tuple[str | None, dict[str, str]]:
    """The table's comment and its columns' non-empty comments."""
    schema = project.target.schema
    if project.target.name == "duckdb":
        table_sql = "select comment from duckdb_tables() where schema_name = %s and table_name = %s"
        column_sql = (
            "select column_name, comment from duckdb_columns() where schema_name = %s and table_name = %s"
        )
        params: tuple[str, ...] = (schema, model)
    else:
        table_sql = "select obj_description(to_regclass(%s), 'pg_class')"
        column_sql = (
            "select attname, col_description(attrelid, attnum) from pg_attribute"
            " where attrelid = to_regclass(%s) and attnum > 0 and not attisdropped"
        )
        params = (f'"{schema}"."{model}"',)
    table_rows = query(project, table_sql, params)[1]
    columns = {name: comment for name, comment in query(project, column_sql, params)[1] if comment}
    return (table_rows[0][0] if table_rows else None), columns


def _grantee_can_select(project: DbtProject, model: str) -> bool:
    sql = "select has_table_privilege(%s, %s, 'select')"
    return bool(query(project, sql, (GRANTEE, f'"{project.target.schema}"."{model}"'))[1][0][0])


@pytest.mark.parametrize("adapter", ["duckdb", "postgres"])
def test_grants_and_docs_survive_every_kind_of_run(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Any
) -> None:
    project = project_for(adapter, adapter_targets, tmp_root)
    dbt_vars: dict[str, Any] = {"catalog_docs": True}
    if adapter == "postgres":
        _create_grantee()
        dbt_vars["catalog_grantee"] = GRANTEE
    steps = [
        ("first build", ["--full-refresh"]),
        ("incremental run", []),
        ("full refresh", ["--full-refresh"]),
    ]
    for step, args in steps:
        result = project.run("run", "--select", *MODELS, *args, dbt_vars=dbt_vars)
        assert result.ok, f"{step}:\n{result.tail()}"
        for model, expected in MODELS.items():
            table_comment, column_comments = _comments(project, model)
            when = f"{model} after the {step}"
            assert table_comment == expected["table"], f"{when}: table comment {table_comment!r}"
            assert column_comments == expected["columns"], f"{when}: column comments {column_comments}"
            if adapter == "postgres":
                assert _grantee_can_select(project, model), f"{when}: no select grant"
