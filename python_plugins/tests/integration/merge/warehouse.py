"""Read a model's table back from the warehouse of a DbtProject, normalised for comparison.

DuckDB and PostgreSQL are read directly (fast); fakesnow is read through `dbt show`, since its
databases live inside the emulator. Values are normalised to text so that the three engines'
types (Decimal vs int, datetime vs ISO text, booleans) compare equal.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
from typing import Any

from ..dbt_harness import DbtProject

Row = dict[str, str]


def normalise(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (int, float, decimal.Decimal)):
        number = decimal.Decimal(str(value))
        return str(int(number)) if number == number.to_integral_value() else str(number.normalize())
    text = str(value)
    # ISO timestamps from dbt show: 2024-01-01T10:00:00(.000)
    if len(text) >= 19 and text[4] == "-" and text[10] in "T " and text[13] == ":":
        return text[:19].replace("T", " ")
    if text.lower() in {"true", "false"}:
        return text.lower()
    return text


def _pg_connection() -> Any:
    import psycopg2

    return psycopg2.connect(
        host=os.environ.get("PK_PG_HOST", "127.0.0.1"),
        port=int(os.environ.get("PK_PG_PORT", "5432")),
        user=os.environ.get("PK_PG_USER", "postgres"),
        password=os.environ.get("PK_PG_PASSWORD", ""),
        dbname=os.environ.get("PK_PG_DBNAME", "postgres"),
    )


def query(
    project: DbtProject, sql: str, params: tuple[str, ...] = ()
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names (lowercase) and rows of `sql` on DuckDB or PostgreSQL (`%s` placeholders)."""
    target = project.target
    if target.name == "duckdb":
        import duckdb

        connection = duckdb.connect(target.env["PK_DUCKDB_PATH"], read_only=True)
        try:
            cursor = connection.execute(sql.replace("%s", "?"), list(params))
            return [d[0].lower() for d in cursor.description], cursor.fetchall()
        finally:
            connection.close()
    connection = _pg_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params or None)  # None: a `%` in the SQL is not a placeholder
            return [d[0].lower() for d in cursor.description], cursor.fetchall()
    finally:
        connection.close()


def read_table(project: DbtProject, table: str, dbt_vars: dict[str, Any] | None = None) -> list[Row]:
    """All rows of `table` in the project's target schema as normalised dicts (lowercase names).
    `dbt_vars`: for fakesnow's `dbt show`, the vars that enable a model which is off by default."""
    target = project.target
    if target.name in {"duckdb", "postgres"}:
        names, rows = query(project, f'select * from "{target.schema}"."{table}"')
    else:
        result = project.run(
            "show",
            "--inline",
            f"select * from {{{{ ref('{table}') }}}}",
            "--output",
            "json",
            "--limit",
            "-1",
            dbt_vars=dbt_vars,
        )
        assert result.ok, f"dbt show of {table} failed:\n{result.tail()}"
        start = result.output.index("{")
        payload, _ = json.JSONDecoder().raw_decode(result.output[start:])
        shown = payload["show"]
        names = sorted({key.lower() for row in shown for key in row})
        rows = [
            tuple(next((v for k, v in row.items() if k.lower() == n), None) for n in names) for row in shown
        ]
    return [{name: normalise(value) for name, value in zip(names, row, strict=True)} for row in rows]


def as_multiset(rows: list[Row], columns: list[str]) -> list[tuple[str, ...]]:
    return sorted(tuple(row.get(column, "<missing>") for column in columns) for row in rows)


def index_definitions(project: DbtProject, table: str) -> list[str]:
    """`table`'s indexes as `[unique ](col, col)` (DuckDB and PostgreSQL; Snowflake has none)."""
    schema = project.target.schema
    if project.target.name == "duckdb":
        sql = "select sql from duckdb_indexes() where schema_name = %s and table_name = %s"
    else:
        sql = "select indexdef from pg_indexes where schemaname = %s and tablename = %s"
    definitions = []
    for (statement,) in query(project, sql, (schema, table))[1]:
        text = statement.lower().replace('"', "")
        columns = ", ".join(part.strip() for part in text[text.rindex("(") + 1 : text.rindex(")")].split(","))
        definitions.append(("unique " if text.startswith("create unique") else "") + f"({columns})")
    return sorted(definitions)


def assert_indexes(project: DbtProject, expected: dict[str, list[str]], when: str) -> None:
    """Each table has exactly the expected indexes (see index_definitions); Snowflake has none."""
    if project.target.name == "snowflake":
        return
    for table, definitions in expected.items():
        found = index_definitions(project, table)
        assert found == definitions, f"{when}: {table} has indexes {found}, expected {definitions}"
