"""Lag hours exact to the microsecond on every adapter, found by the 2026-12-07 Snowflake review:

- between timezone-aware columns Snowflake took DATE_PART(epoch_second), whole seconds, so a lag
  of 1 h 0.8 s (10:00:00.1 to 11:00:00.9) was one hour and passed `max_lag_hours: 1`, as a
  freshness 0.05 s over its limit passed;
- between naive columns Snowflake divided DATEDIFF's integer microseconds by a fixed-point
  3600000000.0, a quotient Snowflake keeps to 6 decimals: a lag 1.7 ms over an hour was 1.000000.

fakesnow computes both as DuckDB does (its epoch_second rounds, its division is exact), so the old
SQL passes there too: the behaviour is checked on the three adapters, and the Snowflake SQL is
checked for what Snowflake's documentation makes exact (epoch_microsecond; a float division).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..dbt_harness import AdapterTarget
from ..scd.mini_project import mini_project
from .helpers import statuses_by_rule

pytestmark = pytest.mark.integration

ADAPTERS = ["duckdb", "postgres", "snowflake"]

AWARE = """
{% set tz, offset = ('timestamp_tz', ' +00:00') if target.type == 'snowflake' else ('timestamptz', '+00') %}
select cast('2024-01-01 10:00:00.1{{ offset }}' as {{ tz }}) as event_at,
       cast('2024-01-01 11:00:00.9{{ offset }}' as {{ tz }}) as loaded_at
"""
NAIVE = """
select cast('2024-01-01 10:00:00' as {{ pipeline_kit._naive_timestamp_type() }}) as event_at,
       cast('2024-01-01 11:00:00.0017' as {{ pipeline_kit._naive_timestamp_type() }}) as loaded_at
"""
TESTS = """
version: 2
models:
{models}
"""
MODEL_TESTS = """
  - name: {name}
    columns:
      - name: loaded_at
        data_tests:
          - pipeline_kit.timeliness_load_lag:
              arguments: {{event_column: event_at, max_lag_hours: 1, percentile: 0.5, rule_name: {name}_lag}}
          - pipeline_kit.timeliness_freshness:
              arguments: {{max_age_hours: 1, reference_time: '{reference}', rule_name: {name}_age}}
"""


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_lags_just_over_the_limit_fail(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    models = "".join(
        [
            MODEL_TESTS.format(name="lp_aware", reference="2024-01-01 12:00:00.95"),
            MODEL_TESTS.format(name="lp_naive", reference="2024-01-01 12:00:00.0034"),
        ]
    )
    files = {"lp_aware.sql": AWARE, "lp_naive.sql": NAIVE, "lp_tests.yml": TESTS.format(models=models)}
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, files)
    result = project.run("build")
    statuses = statuses_by_rule(project)
    tests = {
        name: statuses.get(name) for name in ("lp_aware_lag", "lp_aware_age", "lp_naive_lag", "lp_naive_age")
    }
    # every lag and age is over its one-hour limit, by 0.8 s, 0.05 s and 1.7 ms
    assert tests == dict.fromkeys(tests, "fail"), f"{adapter}: {tests}\n{result.tail()}"
    if adapter == "snowflake":
        compiled = "\n".join(
            path.read_text() for path in (project.target.workdir / "target" / "compiled").rglob("*.sql")
        )
        assert "epoch_second" not in compiled and "epoch_microsecond" in compiled
        assert "/ 3600000000.0" not in compiled and "as float) / 3600000000" in compiled
