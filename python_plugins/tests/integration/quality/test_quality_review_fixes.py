"""Quality test defects found in the 2026-12-07 review, each failing on the code before the fix:

- columns named alike but for case (`id` and `"ID"`, which PostgreSQL and Snowflake allow): the
  model's columns were keyed by lower-cased name, so the last one won and a test on `id` read
  `"ID"` silently. A quoted name is matched exactly now, a plain one as the engine folds it;
- `validity_length` on a column that is not text was an error on DuckDB and PostgreSQL
  (`length(integer)`); it measures the column's text, as the regex and castable rules do;
- a null in `allowed_values` became the text 'None' (a row holding 'None' passed); it is a
  named error now;
- hours between naive timestamps on DuckDB and Snowflake counted second boundaries
  (`date_diff('second', ...)`), so a lag of 1 h 0.8 s (10:00:00.1 to 11:00:00.9) was 3600 s and
  passed `max_lag_hours: 1`, as a freshness of that age passed `max_age_hours: 1`; PostgreSQL
  subtracts exactly. Microseconds are counted now;
- `mostly` became `1 - mostly` rounded to 12 decimals, so `mostly: 0.6666666666666666` failed a
  column whose passing share is 2/3 (which `max_failure_ratio: 0.3333333333333333` passed); a
  `mostly` rule is decided on its passing share now.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..dbt_harness import AdapterTarget, DbtProject
from ..scd.mini_project import mini_project
from .helpers import artifacts

pytestmark = pytest.mark.integration

NUMBERS = "select 1 as id, 'a' as s union all select 22, 'None' union all select 3, 'b'\n"
LAG = (
    "select cast('2024-01-01 10:00:00.1' as timestamp) as event_at,"
    " cast('2024-01-01 11:00:00.9' as timestamp) as loaded_at\n"
)
MOSTLY = "select 1 as v union all select 2 union all select null\n"
MOSTLY_TESTS = """\
  - name: rf_mostly
    columns:
      - name: v
        data_tests:
          - pipeline_kit.completeness_null_ratio:
              arguments: {mostly: 0.6666666666666666, rule_name: mostly_two_thirds}
          - pipeline_kit.completeness_null_ratio:
              arguments: {mostly: 0.7, rule_name: mostly_above_two_thirds}
"""
CASES = 'select 1 as id, cast(null as integer) as "ID"\nunion all select 2, null\n'

SCHEMA = """\
version: 2
models:
  - name: rf_numbers
    columns:
      - name: id
        data_tests:
          - pipeline_kit.validity_length:
              arguments: {max_length: 1}
"""
NULL_VALUE_TEST = """\
      - name: s
        data_tests:
          - pipeline_kit.validity_accepted_values:
              arguments: {values: ['a', 'b', null]}
"""
LAG_TESTS = """\
  - name: rf_lag
    columns:
      - name: loaded_at
        data_tests:
          - pipeline_kit.timeliness_load_lag:
              arguments: {event_column: event_at, max_lag_hours: 1, rule_name: lag_over_by_0_8_s}
          - pipeline_kit.timeliness_freshness:
              arguments:
                {max_age_hours: 1, reference_time: '2024-01-01 12:00:00.95', rule_name: age_over_by_0_05_s}
"""
CASE_TESTS = """\
  - name: rf_cases
    columns:
      - name: id
        data_tests:
          - pipeline_kit.completeness_null_ratio:
              arguments: {rule_name: plain_id}
      - name: Id
        data_tests:
          - pipeline_kit.completeness_null_ratio:
              arguments: {rule_name: mixed_case_id}
      - name: ID
        quote: true
        data_tests:
          - pipeline_kit.completeness_null_ratio:
              arguments: {rule_name: quoted_id}
"""


def _results(project: DbtProject) -> dict[str, tuple[str, str]]:
    """test name (the part before the model) -> (status, message) for each test of the run."""
    manifest, run_results = artifacts(project)
    found = {}
    for item in run_results["results"]:
        node = manifest["nodes"].get(item["unique_id"], {})
        meta = node.get("test_metadata") or {}
        if meta:
            name = meta["kwargs"].get("rule_name") or f"{meta['name']}({meta['kwargs'].get('column_name')})"
            found[name] = (item["status"], item.get("message") or "")
    return found


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_length_of_numbers_null_allowed_value_and_column_case(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    files = {
        "rf_numbers.sql": NUMBERS,
        "rf_lag.sql": LAG,
        "rf_mostly.sql": MOSTLY,
        "schema.yml": SCHEMA + LAG_TESTS + MOSTLY_TESTS,
    }
    if adapter == "postgres":  # DuckDB has no two columns alike but for case; fakesnow folds them
        files["rf_cases.sql"] = CASES
        files["schema.yml"] += CASE_TESTS
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, files)
    result = project.run("build")
    found = _results(project)
    # 22 is two characters: one failing row, not an error
    assert found["validity_length(id)"][0] == "fail", f"{found}\n{result.tail()}"
    # a lag of 1 h 0.8 s and an age of 1 h 0.05 s are over one hour
    assert found["lag_over_by_0_8_s"][0] == "fail", found
    assert found["age_over_by_0_05_s"][0] == "fail", found
    # 2 of 3 rows pass: exactly `mostly` 0.6666666666666666, below 0.7
    assert found["mostly_two_thirds"][0] == "pass", found
    assert found["mostly_above_two_thirds"][0] == "fail", found
    if adapter == "postgres":
        # id has no NULLs and "ID" only NULLs: plain `id` and `Id` read id (as PostgreSQL folds
        # them, and as dbt's not_null would), the quoted "ID" reads "ID"
        assert found["plain_id"][0] == "pass", found
        assert found["mixed_case_id"][0] == "pass", found
        assert found["quoted_id"][0] == "fail", found
    # a null among the accepted values is a named error (raised while dbt parses the test)
    schema = tmp_path / "models" / "schema.yml"
    schema.write_text(SCHEMA + NULL_VALUE_TEST)
    parsed = project.run("parse")
    assert not parsed.ok and "`allowed_values` holds a null" in parsed.output, parsed.tail()
