"""`accuracy_range` and `accuracy_aggregate` (min / max / sum) on a single-precision (`real`)
column take their bounds in that precision.

PostgreSQL compares a `real` with a numeric literal as double precision, so a stored 0.3 (0.30000001
as a double) was above `max_value: 0.3` and failed a range it is in (DuckDB and Snowflake passed:
Snowflake's FLOAT is double precision, DuckDB compares in the column's type). Found in the
2026-12-07 review; the PostgreSQL case fails on the code before the fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..dbt_harness import AdapterTarget
from ..scd.mini_project import mini_project
from .helpers import statuses_by_rule

pytestmark = pytest.mark.integration

VALUES = "select cast(v.r as real) as r from (values (0.1), (0.3)) as v (r)\n"
SCHEMA = """\
version: 2
models:
  - name: rs_values
    columns:
      - name: r
        data_tests:
          - pipeline_kit.accuracy_range:
              arguments: {min_value: 0.1, max_value: 0.3, rule_name: within}
          - pipeline_kit.accuracy_range:
              arguments: {min_value: 0.1, max_value: 0.29, rule_name: above_max}
          - pipeline_kit.accuracy_aggregate:
              arguments: {aggregate: max, min_value: 0.1, max_value: 0.3, rule_name: max_within}
"""


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_real_column_within_its_bounds(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(
        adapter, adapter_targets, tmp_root, tmp_path, {"rs_values.sql": VALUES, "schema.yml": SCHEMA}
    )
    built = project.run("build")
    status = statuses_by_rule(project)
    assert status == {"within": "pass", "above_max": "fail", "max_within": "pass"}, (status, built.tail())
