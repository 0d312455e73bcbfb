"""completeness_date_series by hour counts whole UTC hours of a timezone-aware column, whatever the
session time zone. Before, it truncated in the session's wall clock and compared naive hours: in
America/New_York the hour 02:00 of 2024-03-10 does not exist, so complete hourly data was one
period short (a false failure), and on 2024-11-03 two real hours fell into one wall-clock hour (a
real gap hidden). The bounds read from the data lost their offset the same way.

The session zone is the process's: PGTZ for libpq (PostgreSQL), TZ for DuckDB's default TimeZone,
so the bounds query and the test query both run in it; each run checks that the zone took effect.
Asia/Kolkata (+05:30, no DST) checks that the hours are UTC's, not the session's whole hours.
Model and tests: integration_tests/models/quality_date_series_tz (the expected counts per column are
explained in the model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import project_for
from ..dbt_harness import AdapterTarget, DbtProject
from .helpers import FAKESNOW_FIXED_ZONE, SESSION_ZONES, artifacts, in_zone, show

pytestmark = pytest.mark.integration

DBT_VARS = {"pk_quality_date_series_tz": True}
MODEL = "quality_date_series_tz"
# (column, start_date given) -> failing rows, in any session time zone
EXPECTED = {
    ("spring_hours", False): 0,
    ("spring_hours", True): 0,  # start_date / end_date 05:00-09:00 read as UTC
    ("spring_gap", False): 1,
    ("fall_hours", False): 0,
    ("fall_gap", False): 1,
    ("naive_hours", False): 0,
    ("spring_days", False): 0,
}


def failing_rows(project: DbtProject) -> tuple[dict[tuple[str, bool], int], dict[tuple[str, bool], str]]:
    """Failing rows of each date-series test on the model (its compiled SQL run again through
    `dbt show`, in the same session zone) and the status the build gave it."""
    manifest, run_results = artifacts(project)
    statuses = {item["unique_id"]: item["status"] for item in run_results["results"]}
    queries, status = [], {}
    for unique_id, node in manifest["nodes"].items():
        meta = node.get("test_metadata") or {}
        if meta.get("name") != "completeness_date_series" or not node.get("attached_node", "").endswith(
            "." + MODEL
        ):
            continue
        kwargs = meta["kwargs"]
        key = (kwargs["column_name"], kwargs.get("start_date") is not None)
        status[key] = statuses.get(unique_id, "not run")
        label = f"{key[0]}|{int(key[1])}"
        queries.append(f"select '{label}' as test_key, failing_rows from ({node['compiled_code']}) as t")
    rows = show(project, "\nunion all\n".join(queries), DBT_VARS)
    counts = {}
    for row in rows:
        column, given = row["test_key"].split("|")
        counts[(column, given == "1")] = int(row["failing_rows"])
    return counts, status


def check_date_series(project: DbtProject) -> None:
    build = project.run("build", "--select", MODEL, dbt_vars=DBT_VARS)
    counts, status = failing_rows(project)
    assert counts == EXPECTED, f"{counts}\n{build.tail(40)}"
    assert status == {key: "fail" if failing else "pass" for key, failing in EXPECTED.items()}, status


@pytest.mark.parametrize("zone", SESSION_ZONES)
@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_hourly_series_of_aware_column_ignores_session_zone(
    adapter: str, zone: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path
) -> None:
    if adapter == "snowflake":
        pytest.skip(FAKESNOW_FIXED_ZONE)
    project = in_zone(project_for(adapter, adapter_targets, tmp_root), zone)
    session = show(project, "select current_setting('TimeZone') as zone", DBT_VARS)
    assert session == [{"zone": zone}], session
    check_date_series(project)


def test_hourly_series_of_aware_column_on_snowflake_emulator(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Path
) -> None:
    """The Snowflake SQL (epoch seconds of TIMESTAMP_TZ, dateadd) runs and counts the same in the
    emulator, whose session is UTC: this cannot show the DST bug, only the dialect's SQL."""
    check_date_series(project_for("snowflake", adapter_targets, tmp_root))
