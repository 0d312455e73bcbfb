"""Per-adapter spellings of two rule conditions against a Python oracle, on values built to hit
their edges. PostgreSQL decides most lengths from the byte length (a character is 1 to 4 bytes)
and tests short accepted-value lists as ORed equalities; both must give exactly what
`length(...)` and NOT IN give, for multi-byte text, the empty string and NULL."""

from __future__ import annotations

import pytest

from ..dbt_harness import DbtProject
from .helpers import show

pytestmark = pytest.mark.integration

# Characters of 1, 2, 3 and 4 bytes in UTF-8, alone and mixed, around the bounds below.
VALUES = (
    None,
    "",
    " ",
    "a",
    "abc",
    "abcd",
    "ÄÖÜ",
    "€€",
    "😀",
    "😀😀",
    "ab😀",
    "ÄÄÄÄÄÄÄÄ",
    "😀😀😀😀😀😀😀😀",
    "x" * 12,
)
LENGTH_BOUNDS = ((1, 3), (3, 8), (2, None), (None, 4), (8, 8), (0, 0), (5, 50), (4, 32))
# The last list has 9 values: NOT IN on PostgreSQL too.
ACCEPTED = (("a",), ("a", "abc", None), ("€€", "😀"), (*(f"v{index}" for index in range(8)), "abc"))


def _literal(value: str | None) -> str:
    return "null" if value is None else "'" + value.replace("'", "''") + "'"


def _jinja_list(values: tuple[str | None, ...]) -> str:
    return "[" + ", ".join(repr(_literal(value)) for value in values) + "]"


def test_length_and_accepted_values_conditions_match_python(dbt_project: DbtProject) -> None:
    columns = []
    for index, (low, high) in enumerate(LENGTH_BOUNDS):
        bounds = ", ".join("none" if bound is None else str(bound) for bound in (low, high))
        condition = f"{{{{ pipeline_kit._quality_length_outside('v', {bounds}) }}}}"
        columns.append(f"case when {condition} then 1 else 0 end as length_{index}")
        padded = condition.replace("('v'", "('p'")
        columns.append(f"case when {padded} then 1 else 0 end as padded_{index}")
    for index, accepted in enumerate(ACCEPTED):
        condition = f"{{{{ pipeline_kit._quality_not_in('v', {_jinja_list(accepted)}) }}}}"
        columns.append(f"case when {condition} then 1 else 0 end as not_in_{index}")
    rows_sql = " union all ".join(
        f"select {position} as pos, cast({_literal(value)} as {{{{ dbt.type_string() }}}}) as v,"
        f" cast({_literal(value)} as char(40)) as p"
        for position, value in enumerate(VALUES)
    )
    rows = show(dbt_project, f"select pos, {', '.join(columns)} from ({rows_sql}) as checked order by pos")
    assert [int(row["pos"]) for row in rows] == list(range(len(VALUES)))

    # char(40): PostgreSQL pads it, and its length leaves the trailing spaces out; elsewhere it is text
    postgres = dbt_project.target.name == "postgres"
    mismatches = []
    for row, value in zip(rows, VALUES, strict=True):
        for index, (low, high) in enumerate(LENGTH_BOUNDS):
            for column, text in (
                ("length", value),
                ("padded", value.rstrip(" ") if postgres and value else value),
            ):
                expected = text is not None and (
                    (low is not None and len(text) < low) or (high is not None and len(text) > high)
                )
                if int(row[f"{column}_{index}"]) != int(expected):
                    mismatches.append((column, value, low, high, row[f"{column}_{index}"]))
        for index, accepted in enumerate(ACCEPTED):
            # NOT IN: a NULL value, or a list holding NULL without the value, is never counted
            expected = value is not None and value not in accepted and None not in accepted
            if int(row[f"not_in_{index}"]) != int(expected):
                mismatches.append(("not in", value, accepted, row[f"not_in_{index}"]))
    assert not mismatches, f"{dbt_project.target.name}: {mismatches}"
    # Both outcomes occur for every condition, so neither can pass by always answering one way.
    for key in [f"length_{index}" for index in range(len(LENGTH_BOUNDS) - 1)] + ["not_in_0", "not_in_2"]:
        assert {int(row[key]) for row in rows} == {0, 1}, key
