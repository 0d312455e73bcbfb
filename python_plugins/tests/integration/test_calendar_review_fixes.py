"""date_spine and date_dimension defects found by the 2026-12-07 review, each reproduced first:
- a bound before the year 1000 became '99-12-30' (strftime does not pad the year on Linux), which
  PostgreSQL rejects;
- `last_day_of_month` on PostgreSQL went through date_trunc's timestamptz version, so a session in
  a zone that skipped a day (Pacific/Kiritimati skipped 1994-12-31) moved it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .dbt_harness import AdapterTarget
from .merge.warehouse import read_table
from .quality.helpers import in_zone
from .scd.mini_project import mini_project

pytestmark = pytest.mark.integration

ADAPTERS = ["duckdb", "postgres", "snowflake"]

EARLY_SPINE = """
select count(*) as n, min(date_day) as first_day, max(date_day) as last_day
from ({{ pipeline_kit.date_spine('day', '0099-12-30', '0100-01-02') }}) as spine
"""

EARLY_HOURS = """
select count(*) as n, min(date_hour) as first_hour
from ({{ pipeline_kit.date_spine('hour', '0999-12-31 22:00:00', '1000-01-01 01:00:00') }}) as spine
"""

MONTH_ENDS = """
select date_day, last_day_of_month
from ({{ pipeline_kit.date_dimension('1994-12-30', '1995-01-02') }}) as dim
"""


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_bounds_before_the_year_1000(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(
        adapter,
        adapter_targets,
        tmp_root,
        tmp_path,
        {"cal_early_spine.sql": EARLY_SPINE, "cal_early_hours.sql": EARLY_HOURS},
    )
    result = project.run("run", "--select", "cal_early_spine", "cal_early_hours")
    assert result.ok, f"dbt run on {adapter}:\n{result.tail()}"
    [days] = read_table(project, "cal_early_spine")
    assert (days["n"], days["first_day"][:10], days["last_day"][:10]) == ("3", "0099-12-30", "0100-01-01")
    [hours] = read_table(project, "cal_early_hours")
    assert (hours["n"], hours["first_hour"][:19]) == ("3", "0999-12-31 22:00:00")


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_last_day_of_month_in_a_zone_that_skipped_a_day(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, {"cal_month_ends.sql": MONTH_ENDS})
    result = in_zone(project, "Pacific/Kiritimati").run("run", "--select", "cal_month_ends")
    assert result.ok, f"dbt run on {adapter}:\n{result.tail()}"
    rows = sorted(
        (row["date_day"][:10], row["last_day_of_month"][:10]) for row in read_table(project, "cal_month_ends")
    )
    assert rows == [
        ("1994-12-30", "1994-12-31"),
        ("1994-12-31", "1994-12-31"),
        ("1995-01-01", "1995-01-31"),
    ]
