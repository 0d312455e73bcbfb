"""Read-only connections the scorecard queries: a DuckDB file or a PostgreSQL URL (psycopg2)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pipeline_kit.errors import InputFileError, PipelineKitError

Query = Callable[[str], Sequence[Sequence[Any]]]


# name, schema.name or database.schema.name; a part in double quotes may hold any character
_NAME_PART = r'(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")'
_TABLE_NAME = re.compile(rf"{_NAME_PART}(?:\.{_NAME_PART}){{0,2}}")


def check_table_name(name: str) -> str:
    """`name` if it is a table name; it is written into the results query as it is, so anything
    else (`t; drop table x`) is refused rather than run on an autocommit connection."""
    if not _TABLE_NAME.fullmatch(name):
        raise PipelineKitError(
            f"--results-table {name!r}: expected a table name (name, schema.name or "
            'database.schema.name; a part in double quotes, such as "My Results", may hold other characters)'
        )
    return name


def duckdb_query(path: Path) -> Query:
    import duckdb

    if not path.exists():
        raise InputFileError(path, "DuckDB file not found")
    try:
        connection = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        if "different configuration" not in str(error):
            raise InputFileError(path, f"cannot open DuckDB file ({error})") from error
        # Opened already in this process (e.g. by dbt run in-process): share that database.
        connection = duckdb.connect(str(path))

    def run(sql: str) -> Sequence[Sequence[Any]]:
        rows: Sequence[Sequence[Any]] = connection.execute(sql).fetchall()
        return rows

    return run


def dbapi_query(url: str) -> Query:
    """A PostgreSQL connection URL (postgresql://user@host:port/db?options=-csearch_path=schema)."""
    try:
        import psycopg2
    except ImportError as error:
        raise PipelineKitError(
            "--connection needs psycopg2 (pip install 'pipeline-kit[postgres]')"
        ) from error
    try:
        connection = psycopg2.connect(url)
    except psycopg2.Error as error:
        # one line, and no password: it would end up in CI logs
        detail = " ".join(str(error).split())
        raise PipelineKitError(f"cannot connect to {_without_password(url)}: {detail}") from error
    # read-only: the queries come from the artifacts (the tests' compiled SQL) and a CLI option
    connection.set_session(readonly=True, autocommit=True)

    def run(sql: str) -> Sequence[Sequence[Any]]:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            rows: Sequence[Sequence[Any]] = cursor.fetchall()
            return rows

    return run


def _without_password(url: str) -> str:
    """`url` with the password of `user:password@` or of `password=...` replaced by ***
    (up to the last `@`: rather too much hidden than a password with an `@` in it shown)."""
    url = re.sub(r"^([a-z][a-z0-9+.-]*://[^/@:]*:).*@", r"\1***@", url, flags=re.IGNORECASE | re.DOTALL)
    return re.sub(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]*)", r"\1***", url, flags=re.IGNORECASE)
