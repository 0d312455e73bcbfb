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


def read_table(project: DbtProject, table: str) -> list[Row]:
    """All rows of `table` in the project's target schema as normalised dicts (lowercase names)."""
    target = project.target
    if target.name == "duckdb":
        import duckdb

        connection = duckdb.connect(target.env["PK_DUCKDB_PATH"], read_only=True)
        try:
            cursor = connection.execute(f'select * from "{target.schema}"."{table}"')
            names = [d[0].lower() for d in cursor.description]
            rows = cursor.fetchall()
        finally:
            connection.close()
    elif target.name == "postgres":
        connection = _pg_connection()
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'select * from "{target.schema}"."{table}"')
                names = [d[0].lower() for d in cursor.description]
                rows = cursor.fetchall()
        finally:
            connection.close()
    else:
        result = project.run(
            "show", "--inline", f"select * from {{{{ ref('{table}') }}}}", "--output", "json", "--limit", "-1"
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
