"""`timeliness_load_lag` (and the `quality` test's load-lag rule) between two DATE columns.

PostgreSQL's `date - date` is a number of days, not an interval, so the rule failed there with
"operator does not exist: integer > interval" while DuckDB and Snowflake ran it. A date side is
now compared as its midnight on every adapter. Found in the 2026-12-07 review; the PostgreSQL case
errors on the code before the fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..dbt_harness import AdapterTarget
from ..scd.mini_project import mini_project
from .helpers import statuses_by_rule

pytestmark = pytest.mark.integration

# lags of 1 day, 0 days and 1 day: the median is 24 hours
EVENTS = (
    "select cast(v.event_date as date) as event_date, cast(v.load_date as date) as load_date\n"
    "from (values ('2024-01-01', '2024-01-02'), ('2024-01-02', '2024-01-02'), ('2024-01-02', '2024-01-03'))"
    " as v (event_date, load_date)\n"
)
SCHEMA = """\
version: 2
models:
  - name: ld_events
    columns:
      - name: load_date
        data_tests:
          - pipeline_kit.timeliness_load_lag:
              arguments: {event_column: event_date, max_lag_hours: 30, percentile: 0.5, rule_name: within_30}
          - pipeline_kit.timeliness_load_lag:
              arguments: {event_column: event_date, max_lag_hours: 20, percentile: 0.5, rule_name: over_20}
    data_tests:
      - pipeline_kit.quality:
          arguments:
            dimensions:
              timeliness: [{column: load_date, event_column: event_date, max_lag_hours: 24, percentile: 0.5}]
"""


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_load_lag_between_dates(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(
        adapter, adapter_targets, tmp_root, tmp_path, {"ld_events.sql": EVENTS, "schema.yml": SCHEMA}
    )
    built = project.run("build")
    status = statuses_by_rule(project)
    assert status == {"within_30": "pass", "over_20": "fail", "quality": "pass"}, (status, built.tail())
