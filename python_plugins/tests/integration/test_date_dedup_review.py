"""date_spine / date_dimension defects found by the date and deduplicate review, each reproduced on
every adapter first (deduplicate was probed for ties, NULL keys and orderings, quoted names, CTE
and subquery inputs and many keys, and agreed on all three adapters: no defect found):

- a bound in December of the year 9999 (the common 9999-12-31 "far future" sentinel) failed to
  compile with a bare Python "year 10000 is out of range": the days of December were computed as
  next January 1st minus a day. A month/quarter/year spine ending in 9999 failed the same way while
  counting its periods (the period after the end is in the year 10000). completeness_date_series
  with an end_date inside the last period of 9999 failed the same way (now an error naming the
  macro and end_date: that period's end, 10000-01-01, cannot be written as a bound). Without
  bounds, a column reaching 9999-12-31 (an "unknown" sentinel) failed with a bare Python "date
  value out of range" (one day past the last value); it is now an error naming the test, the
  column and the value, and the test's `where` can leave the sentinel out.
- a timezone-aware datetime bound lost its offset: its wall-clock time was used as if naive, so
  bounds in different zones, or on the two sides of a DST change, were read on different clocks
  (New York midnight to 09:00 UTC gave nine hours instead of the four between the two instants).
  An aware bound is now taken as its UTC time (run_started_at is UTC already, so unchanged).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .dbt_harness import AdapterTarget
from .merge.warehouse import read_table
from .quality.helpers import in_zone, statuses_by_rule
from .scd.mini_project import mini_project

pytestmark = pytest.mark.integration

ADAPTERS = ["duckdb", "postgres", "snowflake"]

LAST_YEAR = {
    "rv_days_9999.sql": "{{ pipeline_kit.date_spine('day', '9999-12-28', '9999-12-31') }}\n",
    "rv_months_9999.sql": "{{ pipeline_kit.date_spine('month', '9999-06-30', '9999-12-31') }}\n",
    "rv_quarters_9999.sql": "{{ pipeline_kit.date_spine('quarter', '9999-01-31', '9999-12-31') }}\n",
    "rv_years_9999.sql": "{{ pipeline_kit.date_spine('year', '9999-01-01', '9999-12-31') }}\n",
    "rv_dim_9999.sql": (
        "select date_day, day_of_week, iso_week, last_day_of_month\n"
        "from ({{ pipeline_kit.date_dimension('9999-12-29', '9999-12-31') }}) as dim\n"
    ),
}

# New York midnight on the day DST starts (05:00 UTC) .. 09:00 UTC: four hours apart.
AWARE_MIXED = """
{%- set new_york = modules.pytz.timezone('America/New_York') -%}
{{ pipeline_kit.date_spine('hour', new_york.localize(modules.datetime.datetime(2024, 3, 10, 0)),
                           modules.pytz.utc.localize(modules.datetime.datetime(2024, 3, 10, 9))) }}
"""
# Both in New York, 00:00 EST (05:00 UTC) .. 04:00 EDT (08:00 UTC): three hours apart.
AWARE_DST = """
{%- set new_york = modules.pytz.timezone('America/New_York') -%}
{{ pipeline_kit.date_spine('hour', new_york.localize(modules.datetime.datetime(2024, 3, 10, 0)),
                           new_york.localize(modules.datetime.datetime(2024, 3, 10, 4))) }}
"""

SERIES_SOURCE = "select cast('9999-12-30' as date) as d\n"
SERIES_TESTS = """\
models:
  - name: rv_series
    columns:
      - name: d
        data_tests:
          - pipeline_kit.completeness_date_series:
              arguments:
                datepart: day
                start_date: '9999-12-30'
                end_date: '9999-12-31 06:00'
"""


def days(rows: list[dict[str, str]], column: str) -> list[str]:
    return sorted(row[column][:10] for row in rows)


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_bounds_in_the_last_month_of_9999(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, LAST_YEAR)
    result = project.run("run")
    assert result.ok, f"dbt run on {adapter}:\n{result.tail()}"
    assert days(read_table(project, "rv_days_9999"), "date_day") == ["9999-12-28", "9999-12-29", "9999-12-30"]
    assert days(read_table(project, "rv_months_9999"), "date_month") == [
        "9999-06-30",
        "9999-07-30",
        "9999-08-30",
        "9999-09-30",
        "9999-10-30",
        "9999-11-30",
        "9999-12-30",
    ]
    assert days(read_table(project, "rv_quarters_9999"), "date_quarter") == [
        "9999-01-31",
        "9999-04-30",
        "9999-07-31",
        "9999-10-31",
    ]
    assert days(read_table(project, "rv_years_9999"), "date_year") == ["9999-01-01"]
    dim = sorted(
        (row["date_day"][:10], row["day_of_week"], row["iso_week"], row["last_day_of_month"][:10])
        for row in read_table(project, "rv_dim_9999")
    )
    # 9999-12-31 is a Friday: the 29th is a Wednesday, in ISO week 52
    assert dim == [("9999-12-29", "3", "52", "9999-12-31"), ("9999-12-30", "4", "52", "9999-12-31")]


def test_date_series_ending_inside_the_last_day_of_9999(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    # compile-time arithmetic only: the same on every adapter
    project = mini_project(
        "duckdb",
        adapter_targets,
        tmp_root,
        tmp_path,
        {"rv_series.sql": SERIES_SOURCE, "rv_series.yml": SERIES_TESTS},
    )
    result = project.run("build")
    assert not result.ok
    message = (
        "pipeline_kit.completeness_date_series: `end_date` falls inside the last day before the year 10000"
    )
    assert message in result.output, result.tail()


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_timezone_aware_bounds_are_instants(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(
        adapter,
        adapter_targets,
        tmp_root,
        tmp_path,
        {"rv_aware_mixed.sql": AWARE_MIXED, "rv_aware_dst.sql": AWARE_DST},
    )
    # the session's zone plays no part: the bounds are converted at compile time
    result = in_zone(project, "America/New_York").run("run")
    assert result.ok, f"dbt run on {adapter}:\n{result.tail()}"
    mixed = sorted(row["date_hour"] for row in read_table(project, "rv_aware_mixed"))
    assert mixed == [f"2024-03-10 0{hour}:00:00" for hour in (5, 6, 7, 8)]
    dst = sorted(row["date_hour"] for row in read_table(project, "rv_aware_dst"))
    assert dst == [f"2024-03-10 0{hour}:00:00" for hour in (5, 6, 7)]


SENTINEL_SOURCE = (
    "select cast(v.d as date) as d from (values ('2024-01-01'), ('2024-01-02'), ('9999-12-31')) as v (d)\n"
)
SENTINEL_TESTS = """\
models:
  - name: rv_sentinel
    columns:
      - name: d
        data_tests:
          - pipeline_kit.completeness_date_series:
              arguments: {rule_name: with_sentinel}
          - pipeline_kit.completeness_date_series:
              arguments: {rule_name: sentinel_left_out}
              config: {where: "d < '9999-01-01'"}
"""


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_date_series_over_data_reaching_9999_12_31(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(
        adapter,
        adapter_targets,
        tmp_root,
        tmp_path,
        {"rv_sentinel.sql": SENTINEL_SOURCE, "rv_sentinel.yml": SENTINEL_TESTS},
    )
    result = project.run("build")
    assert not result.ok
    output = " ".join(result.output.split())
    assert (
        "completeness_date_series: rv_sentinel: rule completeness[0] d: the column reaches the last day"
        in output
    ), result.tail()
    assert "(got 9999-12-31 00:00:00)" in output, result.tail()
    statuses = statuses_by_rule(project)
    assert statuses["sentinel_left_out"] == "pass", statuses
    assert statuses["with_sentinel"] == "error", statuses
