"""Bad macro arguments fail at compile time with a message naming the macro, argument and value."""

from __future__ import annotations

import pytest

from .dbt_harness import DbtProject

pytestmark = pytest.mark.integration

CASES = {
    "unknown datepart": (
        "{{ pipeline_kit.date_spine('minute', '2024-01-01', '2024-01-02') }}",
        ["pipeline_kit.date_spine", "`datepart`", "minute"],
    ),
    "non-date start": (
        "{{ pipeline_kit.date_spine('day', 'yesterday', '2024-01-02') }}",
        ["pipeline_kit.date_spine", "`start_date`", "yesterday"],
    ),
    "impossible calendar date": (
        "{{ pipeline_kit.date_spine('day', '2024-01-01', '2023-02-29') }}",
        ["pipeline_kit.date_spine", "`end_date`", "2023-02-29"],
    ),
    "number as bound": (
        "{{ pipeline_kit.date_spine('day', 20240101, '2024-01-02') }}",
        ["pipeline_kit.date_spine", "`start_date`", "20240101"],
    ),
    "start after end": (
        "{{ pipeline_kit.date_spine('day', '2024-02-01', '2024-01-01') }}",
        ["pipeline_kit.date_spine", "`start_date` is after `end_date`", "2024-02-01 > 2024-01-01"],
    ),
    "fiscal month out of range": (
        "{{ pipeline_kit.date_dimension('2024-01-01', '2024-02-01', fiscal_year_start_month=13) }}",
        ["pipeline_kit.date_dimension", "`fiscal_year_start_month`", "13"],
    ),
    "dimension start after end": (
        "{{ pipeline_kit.date_dimension('2024-02-01', '2024-01-01') }}",
        ["pipeline_kit.date_dimension:", "`start_date` is after `end_date`", "2024-02-01 > 2024-01-01"],
    ),
    "fiscal month as a string": (
        "{{ pipeline_kit.date_dimension('2024-01-01', '2024-02-01', fiscal_year_start_month='4') }}",
        ["pipeline_kit.date_dimension", "`fiscal_year_start_month`", "(got the string '4')"],
    ),
    "fiscal month as a string in exponent form": (
        "{{ pipeline_kit.date_dimension('2024-01-01', '2024-02-01', fiscal_year_start_month='1e1') }}",
        ["pipeline_kit.date_dimension", "`fiscal_year_start_month`", "(got the string '1e1')"],
    ),
    "missing partition_by": (
        "{{ pipeline_kit.deduplicate('orders', partition_by=[], order_by='updated_at') }}",
        ["pipeline_kit.deduplicate", "`partition_by` is required"],
    ),
    "columns with an empty name": (
        "{{ pipeline_kit.deduplicate('orders', partition_by='id', order_by='v', columns=['id', '']) }}",
        ["pipeline_kit.deduplicate", "`columns` must be a column name or expression"],
    ),
    "boolean fiscal start month": (
        "{{ pipeline_kit.date_dimension('2024-01-01', '2024-02-01', fiscal_year_start_month=true) }}",
        ["pipeline_kit.date_dimension", "`fiscal_year_start_month`", "True"],
    ),
    "fractional lookback in dateparts": (
        "{{ pipeline_kit.merge_lookback_filter(0.25, 'day', column='updated_at') }}",
        ["pipeline_kit.merge_lookback_filter", "`lookback` must be a whole number", "0.25"],
    ),
    # a bare number is a column position to PostgreSQL's DISTINCT ON but a constant in a window:
    # PostgreSQL kept one row per group where DuckDB and Snowflake kept one row in all
    "positional partition_by": (
        "{{ pipeline_kit.deduplicate('orders', partition_by='2', order_by='v desc') }}",
        ["pipeline_kit.deduplicate", "`partition_by` item 2 is a bare number"],
    ),
    "positional order_by inside a list": (
        "{{ pipeline_kit.deduplicate('orders', partition_by='id', order_by=['v', '5 desc nulls first']) }}",
        ["pipeline_kit.deduplicate", "`order_by` item 5 desc nulls first is a bare number"],
    ),
    "positional order_by after a comma": (
        "{{ pipeline_kit.deduplicate('orders', partition_by='id', order_by='v desc, 3') }}",
        ["pipeline_kit.deduplicate", "`order_by` item 3 is a bare number"],
    ),
    "number as partition_by": (
        "{{ pipeline_kit.deduplicate('orders', partition_by=5, order_by='v') }}",
        ["pipeline_kit.deduplicate", "`partition_by` must be a column name or expression", "5"],
    ),
    "mapping as order_by": (
        "{{ pipeline_kit.deduplicate('orders', partition_by='id', order_by={'a': 1}) }}",
        ["pipeline_kit.deduplicate", "`order_by` must be a column name or expression"],
    ),
    "number as relation": (
        "{{ pipeline_kit.deduplicate(5, partition_by='id', order_by='v') }}",
        ["pipeline_kit.deduplicate", "`relation` must be a relation", "5"],
    ),
    "missing order_by": (
        "{{ pipeline_kit.deduplicate('orders', partition_by='id', order_by=none) }}",
        ["pipeline_kit.deduplicate", "`order_by` is required"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_arguments_raise_a_named_compiler_error(duckdb_project: DbtProject, case: str) -> None:
    sql, expected_fragments = CASES[case]
    result = duckdb_project.run("compile", "--inline", sql)
    assert not result.ok, f"{case}: compiled without error:\n{result.tail()}"
    for fragment in expected_fragments:
        assert fragment in result.output, f"{case}: {fragment!r} missing from:\n{result.tail()}"
