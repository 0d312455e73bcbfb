"""timeliness_freshness, timeliness_load_lag and the `quality` timeliness rules measure the age / lag
of timezone-aware columns as a difference of instants, whatever the session time zone.

Before, freshness compared the latest value with `current_timestamp` cast to a naive timestamp
(the session's wall clock). For an aware column the engines (DuckDB, PostgreSQL) read that naive
value back in the session zone, which is exact except in the hour a DST change repeats: at
2024-11-03 01:45 EDT (05:45Z) in America/New_York the naive 01:45 was read back as 01:45 EST
(06:45Z), so data 30 minutes old was 1.5 hours old and a 1-hour freshness check failed wrongly.
On Snowflake the check compared a TIMESTAMP_TZ with a TIMESTAMP_NTZ through DATEDIFF.

"Now" is pinned for the test: the copied project overrides dbt's `current_timestamp` with the
instant 2024-11-03 05:45:00Z. `reference_time` (naive, read in the session time zone for an aware
column) is written as the zone's wall clock of 07:30Z on 2024-03-10, an hour after the latest
spring value 06:30Z (01:30 EST; 03:30 EDT is two wall-clock hours later). A naive column keeps
its rule: its age is wall clock as written, in every zone.

The session zone is the process's (TZ for DuckDB, PGTZ for libpq), as in test_date_series_dst.py;
each run checks that it took effect. Asia/Kolkata (+05:30, no DST) checks that nothing depends on
New York's offsets."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from ..conftest import project_for
from ..dbt_harness import AdapterTarget, DbtProject, copy_project_tree
from .helpers import FAKESNOW_FIXED_ZONE, SESSION_ZONES, artifacts, in_zone, show

pytestmark = pytest.mark.integration

MODEL = "quality_freshness_tz"
NOW_UTC = "2024-11-03 05:45:00"  # 01:45 EDT, the first of New York's two 01:45s
SPRING_REFERENCE_UTC = datetime(2024, 3, 10, 7, 30, tzinfo=timezone.utc)  # 03:30 EDT

# Rows: the latest spring value is 06:30Z (01:30 EST), the latest fall value 05:15Z (01:15 EDT,
# 30 minutes before "now"); the spring lag 06:30Z -> 07:30Z is 1 hour (2 wall-clock hours in New
# York), the fall lag 05:30Z (01:30 EDT) -> 06:45Z (01:45 EST) 1.25 hours (15 wall-clock minutes).
MODEL_SQL = """\
{%- set naive = 'timestamp_ntz' if target.type == 'snowflake' else 'timestamp' %}
select
  cast('2024-03-10 05:00:00+00:00' as timestamptz) as spring_at,
  cast('2024-11-03 04:00:00+00:00' as timestamptz) as fall_at,
  cast('2024-03-10 00:00:00' as {{ naive }}) as naive_at,
  cast('2024-03-10 06:30:00+00:00' as timestamptz) as spring_event_at,
  cast('2024-03-10 07:30:00+00:00' as timestamptz) as spring_loaded_at,
  cast('2024-11-03 05:30:00+00:00' as timestamptz) as fall_event_at,
  cast('2024-11-03 06:45:00+00:00' as timestamptz) as fall_loaded_at
union all
select
  cast('2024-03-10 06:30:00+00:00' as timestamptz) as spring_at,
  cast('2024-11-03 05:15:00+00:00' as timestamptz) as fall_at,
  cast('2024-03-10 01:30:00' as {{ naive }}) as naive_at,
  cast('2024-03-10 06:30:00+00:00' as timestamptz) as spring_event_at,
  cast('2024-03-10 07:30:00+00:00' as timestamptz) as spring_loaded_at,
  cast('2024-11-03 05:30:00+00:00' as timestamptz) as fall_event_at,
  cast('2024-11-03 06:45:00+00:00' as timestamptz) as fall_loaded_at
"""

# "Now" for every freshness check without reference_time, as an instant on each engine.
NOW_MACRO = f"""\
{{#- test_freshness_dst.py: a fixed "now" (an instant) instead of the clock -#}}
{{% macro duckdb__current_timestamp() %}}cast('{NOW_UTC}+00:00' as timestamptz){{% endmacro %}}
{{% macro postgres__current_timestamp() %}}cast('{NOW_UTC}+00:00' as timestamptz){{% endmacro %}}
{{% macro snowflake__current_timestamp() %}}cast('{NOW_UTC} +00:00' as timestamp_tz){{% endmacro %}}
"""


def wall_clock(instant: datetime, zone: str) -> str:
    """The naive wall-clock text of `instant` in `zone` (how a session there reads it back)."""
    return instant.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")


def freshness(name: str, max_age_hours: float, reference_time: str | None = None) -> dict[str, Any]:
    arguments: dict[str, Any] = {"max_age_hours": max_age_hours, "rule_name": name}
    if reference_time is not None:
        arguments["reference_time"] = reference_time
    return {"pipeline_kit.timeliness_freshness": {"arguments": arguments}}


def load_lag(name: str, event_column: str, max_lag_hours: float) -> dict[str, Any]:
    return {
        "pipeline_kit.timeliness_load_lag": {
            "arguments": {"event_column": event_column, "max_lag_hours": max_lag_hours, "rule_name": name}
        }
    }


def cases(zone: str) -> tuple[dict[str, Any], dict[str, int]]:
    """schema.yml for the model in session zone `zone`, and each rule's expected is_failing."""
    spring_reference = wall_clock(SPRING_REFERENCE_UTC, zone)
    columns = {
        "spring_at": [
            # 1 real hour old at the reference (2 wall-clock hours in New York)
            freshness("spring_reference_within_1_5h", 1.5, spring_reference),
            freshness("spring_reference_over_0_9h", 0.9, spring_reference),
        ],
        "fall_at": [
            # 30 minutes old "now" (1.5 hours when now's wall clock is read back as EST)
            freshness("fall_now_within_1h", 1),
            freshness("fall_now_over_0_4h", 0.4),
        ],
        "naive_at": [
            # a naive column: wall clock as written, 01:30 -> 03:30 is 2 hours in every zone
            freshness("naive_reference_over_1_5h", 1.5, "2024-03-10 03:30:00"),
            freshness("naive_reference_within_2h", 2, "2024-03-10 03:30:00"),
        ],
        "spring_loaded_at": [load_lag("spring_lag_within_1_5h", "spring_event_at", 1.5)],
        "fall_loaded_at": [
            # 1.25 real hours (15 wall-clock minutes in New York)
            load_lag("fall_lag_over_1h", "fall_event_at", 1),
            load_lag("fall_lag_within_1_5h", "fall_event_at", 1.5),
        ],
    }
    quality_rules = [
        {
            "column": "spring_at",
            "max_age_hours": 1.5,
            "reference_time": spring_reference,
            "name": "q_spring_reference",
        },
        {"column": "fall_at", "max_age_hours": 1, "name": "q_fall_now"},
        {
            "column": "fall_loaded_at",
            "event_column": "fall_event_at",
            "max_lag_hours": 1,
            "name": "q_fall_lag",
        },
        {
            "column": "spring_loaded_at",
            "event_column": "spring_event_at",
            "max_lag_hours": 1.5,
            "name": "q_spring_lag",
        },
    ]
    schema = {
        "version": 2,
        "models": [
            {
                "name": MODEL,
                "data_tests": [
                    {"pipeline_kit.quality": {"arguments": {"dimensions": {"timeliness": quality_rules}}}}
                ],
                "columns": [{"name": name, "data_tests": tests} for name, tests in columns.items()],
            }
        ],
    }
    expected = {
        "spring_reference_within_1_5h": 0,
        "spring_reference_over_0_9h": 1,
        "fall_now_within_1h": 0,
        "fall_now_over_0_4h": 1,
        "naive_reference_over_1_5h": 1,
        "naive_reference_within_2h": 0,
        "spring_lag_within_1_5h": 0,
        "fall_lag_over_1h": 1,
        "fall_lag_within_1_5h": 0,
        "q_spring_reference": 0,
        "q_fall_now": 0,
        "q_fall_lag": 1,
        "q_spring_lag": 0,
    }
    return schema, expected


def freshness_project(project: DbtProject, root: Path) -> DbtProject:
    """A copy of the package whose integration project holds the model and the pinned "now"."""
    project_dir = copy_project_tree(root / "pkg")
    (project_dir / "macros" / "pk_fixed_now.sql").write_text(NOW_MACRO)
    (project_dir / "models" / MODEL).mkdir()
    (project_dir / "models" / MODEL / f"{MODEL}.sql").write_text(MODEL_SQL)
    copy = DbtProject(project.target, project_dir=project_dir)
    deps = copy.deps()
    assert deps.ok, deps.tail()
    return copy


def rule_results(project: DbtProject) -> dict[str, int]:
    """is_failing of each rule: a generic test's failures (fail_calc counts its one rule), and per
    rule of the `quality` test its compiled SQL run again through `dbt show`."""
    manifest, run_results = artifacts(project)
    failures = {item["unique_id"]: item for item in run_results["results"]}
    results: dict[str, int] = {}
    for unique_id, node in manifest["nodes"].items():
        meta = node.get("test_metadata") or {}
        if not (node.get("attached_node") or "").endswith("." + MODEL):
            continue
        result = failures.get(unique_id)
        assert result is not None and result["status"] in ("pass", "fail"), (unique_id, result)
        if meta.get("name") == "quality":
            rows = show(project, f"select rule_name, is_failing from ({node['compiled_code']}) as t")
            results.update({str(row["rule_name"]): int(row["is_failing"]) for row in rows})
        else:
            results[str(meta["kwargs"]["rule_name"])] = int(result["failures"])
    return results


def check_timeliness(project: DbtProject, zone: str) -> None:
    schema, expected = cases(zone)
    (project.project_dir / "models" / MODEL / "schema.yml").write_text(
        yaml.safe_dump(schema, sort_keys=False)
    )
    if project.target.name != "snowflake":
        session = show(project, "select current_setting('TimeZone') as zone")
        assert session == [{"zone": zone}], session
    build = project.run("build", "--select", MODEL)
    results = rule_results(project)
    wrong = {
        name: (results.get(name), failing)
        for name, failing in expected.items()
        if results.get(name) != failing
    }
    assert not wrong, f"rule: (is_failing, expected): {wrong}\n{build.tail(40)}"


@pytest.mark.parametrize("zone", SESSION_ZONES)
@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_age_and_lag_of_aware_columns_are_instant_differences(
    adapter: str, zone: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    if adapter == "snowflake":
        pytest.skip(FAKESNOW_FIXED_ZONE)
    project = freshness_project(project_for(adapter, adapter_targets, tmp_root), tmp_path)
    check_timeliness(in_zone(project, zone), zone)


def test_timeliness_of_aware_columns_on_snowflake_emulator(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    """The Snowflake SQL (epoch seconds of TIMESTAMP_TZ, a TIMESTAMP_LTZ reference) runs and decides
    the same in the emulator, whose session is UTC: this cannot show the DST bug, only the dialect."""
    project = freshness_project(project_for("snowflake", adapter_targets, tmp_root), tmp_path)
    check_timeliness(project, "UTC")
