"""Read a model's table back from the warehouse of a DbtProject, normalised for comparison.

DuckDB and PostgreSQL are read directly. fakesnow keeps each Snowflake database as a DuckDB file
in its `-d` directory (names upper-cased, as Snowflake stores unquoted ones), so a table is read
from that file once the dbt process has exited: a `dbt show` per read cost a dbt start and parse
(5-8 s) and made the Snowflake cases of the suite several times slower than the others. Values
are normalised to text so that the engines' types (Decimal vs int, datetime vs ISO text,
booleans) compare equal.
"""

from __future__ import annotations

import datetime as dt
import decimal
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
        # isoformat pads years before 1000 (strftime's %Y does not on Linux)
        return value.isoformat(sep=" ", timespec="seconds")[:19]
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


def fakesnow_database(project: DbtProject) -> str:
    """The DuckDB file in which fakesnow keeps the profile's Snowflake database."""
    database = os.environ.get("PK_SF_DATABASE", "PK_INTEGRATION").upper()
    return str(project.target.workdir / "fakesnow" / f"{database}.db")


def read_table(project: DbtProject, table: str) -> list[Row]:
    """All rows of `table` in the project's target schema as normalised dicts (lowercase names)."""
    target = project.target
    if target.name in {"duckdb", "postgres"}:
        names, rows = query(project, f'select * from "{target.schema}"."{table}"')
    else:
        import duckdb

        connection = duckdb.connect(fakesnow_database(project), read_only=True)
        try:
            cursor = connection.execute(f'select * from "{target.schema.upper()}"."{table.upper()}"')
            names, rows = [d[0].lower() for d in cursor.description], cursor.fetchall()
        finally:
            connection.close()
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


def column_names(project: DbtProject, table: str) -> list[str]:
    """The table's column names, lower-cased and sorted (Snowflake: read from fakesnow's file)."""
    if project.target.name == "snowflake":
        import duckdb

        connection = duckdb.connect(fakesnow_database(project), read_only=True)
        try:
            sql = (
                "select column_name from information_schema.columns where table_schema = ? and table_name = ?"
            )
            rows = connection.execute(sql, [project.target.schema.upper(), table.upper()]).fetchall()
        finally:
            connection.close()
    else:
        sql = "select column_name from information_schema.columns where table_schema = %s and table_name = %s"
        rows = query(project, sql, (project.target.schema, table))[1]
    return sorted(str(row[0]).lower() for row in rows)
