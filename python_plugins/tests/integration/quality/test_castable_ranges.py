"""validity_castable to integer / bigint respects each type's range. PostgreSQL 15 has no
try_cast, so the check matches the input syntax; before, any run of digits passed there
('3000000000' as integer, '12345678901234567890' as bigint) though the cast fails (out of range).
DuckDB's try_cast checks the range itself. Snowflake's INTEGER and BIGINT are both NUMBER(38, 0),
so both take 38 digits there; the fakesnow emulator the suite runs holds NUMBER(38, 0) in a 64-bit
integer, so here both have bigint's range on Snowflake.
Model and tests: integration_tests/models/quality_castable.
"""

from __future__ import annotations

import re

import pytest

from ..dbt_harness import DbtProject, connect_postgres
from .helpers import artifacts, show

pytestmark = pytest.mark.integration

# (column, type) -> passes on PostgreSQL and DuckDB; on Snowflake (fakesnow) as the bigint test
EXPECTED = {
    ("int_inside", "integer"): True,
    ("int_inside", "bigint"): True,
    ("int_above", "integer"): False,
    ("int_above", "bigint"): True,
    ("int_below", "integer"): False,
    ("int_below", "bigint"): True,
    ("bigint_inside", "integer"): False,
    ("bigint_inside", "bigint"): True,
    ("bigint_above", "bigint"): False,
    ("bigint_below", "bigint"): False,
    ("digits_39", "integer"): False,
    ("digits_39", "bigint"): False,
}

# Integer text around both ranges, with signs, blanks and leading zeros, and text that is none.
INTEGER_TEXTS = (
    "0",
    "-0",
    "+7",
    " 42 ",
    "007",
    "999999999",
    "-999999999",
    "1000000000",
    "2147483647",
    "-2147483648",
    "+0002147483647",
    "-0002147483648",
    "2147483648",
    "-2147483649",
    "3000000000",
    "000000000000000000000000000000000001",
    "999999999999999999",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "-9223372036854775809",
    "12345678901234567890",
    "1" * 38,
    "1" * 39,
    "",
    " ",
    "-",
    "+",
    "--1",
    "1 2",
    "12a",
    "abc",
    "abcdefghijklmnopqrstuvwxyz",
)
LIMITS = {"integer": 2**31, "bigint": 2**63}

# PostgreSQL only: more text, which its own casts decide for every type below (tabs and newlines
# are blanks there; NaN and infinity are doubles and numerics; a timestamp may end in a UTC offset;
# a date may lack leading zeros, be YYYYMMDD, or go on with a time; booleans take prefixes).
PG_TEXTS = (
    "\t5\n",
    "2147483647\t",
    "\t-2147483649",
    "\t-9223372036854775808\n",
    "NaN",
    " -inf ",
    "+Infinity",
    "nan",
    "infinit",
    "1e5",
    ".5",
    "5.",
    "in f",
    "2024-01-01 10:00:00",
    "2024-01-01 10:00:00+02",
    "2024-01-01T10:00:00Z",
    "2024-01-01 10:00+02:30",
    "2024-01-01 10:00:00 +0530",
    "2024-01-01 10:00:00+16",
    "2024-01-01",
    "2024-13-01",
    "2024-1-5",
    "20240105",
    "20241305",
    "2024-01-05T10:00",
    "2024-1-5 7:05",
    "20240105 10:00",
    "2024-01-05 10:00:00+02",
    "2024-01-32",
    "+NaN",
    "-Infinity",
    "epoch",
    "Today",
    "+infinity",
    "2024-01-05t10:00",
    # one-digit minutes and seconds, leap seconds, 24:00 (PostgreSQL reads all but :61 and 24:01)
    "2024-01-01 1:2:3",
    "2024-01-01 10:5",
    "2024-01-01 10:00:60",
    "2024-01-01 10:00:60.5",
    "2024-01-01 10:00:61",
    "2024-01-01 24:00",
    "2024-01-01 24:00:00",
    "2024-01-01 24:01",
    # booleans: unique prefixes of true / false / yes / no / on / off ("o" is ambiguous)
    "t",
    "tr",
    "TRU",
    " ye ",
    "fals",
    "n",
    "of",
    "On",
    "o",
    "onn",
    "yess",
    "2",
)
# macro type -> PostgreSQL's name for it
PG_TYPES = {
    "integer": "integer",
    "bigint": "bigint",
    "double": "double precision",
    "numeric": "numeric",
    "timestamp": "timestamp",
    "date": "date",
    "boolean": "boolean",
}


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _expected(text: str, type_name: str, adapter: str) -> bool:
    found = re.fullmatch(r" *([-+]?)([0-9]+) *", text)
    if not found:
        return False
    value = int(found.group(1) + found.group(2))
    if adapter == "snowflake":
        type_name = "bigint"  # NUMBER(38, 0) for both, 64-bit in fakesnow (see the module doc)
    return -LIMITS[type_name] <= value < LIMITS[type_name]


def _castable(project: DbtProject, texts: tuple[str, ...], types: dict[str, str]) -> list[dict[str, int]]:
    """Per text (in order), 1 / 0 per label: does _quality_is_castable say it converts to the type."""
    columns = ", ".join(
        f"case when {{{{ pipeline_kit._quality_is_castable('v', '{type_name}') }}}} then 1 else 0 end"
        f" as {label}"
        for label, type_name in types.items()
    )
    rows_sql = " union all ".join(
        f"select {position} as pos, cast({_literal(text)} as {{{{ dbt.type_string() }}}}) as v"
        for position, text in enumerate(texts)
    )
    rows = show(project, f"select pos, {columns} from ({rows_sql}) as checked order by pos")
    assert [int(row["pos"]) for row in rows] == list(range(len(texts)))
    return [{label: int(row[label]) for label in types} for row in rows]


def test_castable_integer_respects_the_type_range(dbt_project: DbtProject) -> None:
    adapter = dbt_project.target.name
    texts = INTEGER_TEXTS + (PG_TEXTS if adapter == "postgres" else ())
    # fakesnow raises on text that is no timestamp (Snowflake's TRY_CAST returns NULL): the other
    # types are checked on PostgreSQL only
    types = PG_TYPES if adapter == "postgres" else LIMITS
    rows = _castable(dbt_project, texts, {f"is_{type_name}": type_name for type_name in types})
    mismatches = [
        (text, type_name, row[f"is_{type_name}"])
        for text, row in zip(INTEGER_TEXTS, rows, strict=False)
        for type_name in LIMITS
        if row[f"is_{type_name}"] != int(_expected(text, type_name, adapter))
    ]
    assert not mismatches, f"{adapter}: (text, type, castable) {mismatches}"
    if adapter != "postgres":
        return
    # the server's own casts are the oracle: does `select cast('<text>' as <type>)` succeed
    connection = connect_postgres()
    connection.autocommit = True
    for text, row in zip(texts, rows, strict=True):
        for type_name, pg_type in PG_TYPES.items():
            with connection.cursor() as cursor:
                try:
                    cursor.execute(f"select cast(%s as {pg_type})", (text,))
                    converts = True
                except Exception:  # any input error: the cast does not convert the text
                    converts = False
            if row[f"is_{type_name}"] != int(converts):
                mismatches.append((text, type_name, row[f"is_{type_name}"]))
    connection.close()
    assert not mismatches, f"postgres vs its casts: (text, type, castable) {mismatches}"


def test_castable_tests_pass_inside_and_fail_outside_the_range(dbt_project: DbtProject) -> None:
    result = dbt_project.run(
        "build", "--select", "quality_castable_ranges", dbt_vars={"pk_quality_castable": True}
    )
    manifest, run_results = artifacts(dbt_project)
    found = {}
    for item in run_results["results"]:
        node = manifest["nodes"].get(item["unique_id"], {})
        meta = node.get("test_metadata") or {}
        if meta.get("name") == "validity_castable":
            key = (meta["kwargs"]["column_name"], meta["kwargs"]["type"])
            found[key] = item["status"]
    snowflake = dbt_project.target.name == "snowflake"
    expected = {
        (column, type_name): "pass" if EXPECTED[(column, "bigint" if snowflake else type_name)] else "fail"
        for column, type_name in EXPECTED
    }
    assert found == expected, f"{found}\n{result.tail(60)}"
