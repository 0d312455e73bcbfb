"""Results hook defects found in the 2026-12-07 review, each failing on the code before the fix:

- a scored test that errored or was skipped (its model failed to build) was not stored, so it
  vanished from the results table and every score model while `pipeline-kit quality` listed it
  as a failing rule; it is stored as one failing rule of 0 evaluated rows, its source the status;
- a `limit` config cut dbt's failure count of `not_null` / `relationships` (one row per failing
  row): 2 NULL emails were stored as 1 failing row; the rows of the compiled SQL are counted;
- `run_started_at` was stored cut to the second, so two invocations within one second were both
  `is_latest`; it keeps microseconds (the two builds here are seconds apart: this test checks one
  latest invocation, not the same-second case);
- a built-in test whose model has no relation in the run's schema (a `--defer` run reads
  another environment's) failed the whole hook (and the dbt run) on its row count; it is left
  out, named in the log.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ..dbt_harness import AdapterTarget, DbtProject
from ..scd.mini_project import DBT_PROJECT_YML, mini_project
from .helpers import show

pytestmark = pytest.mark.integration

# the mini project with the results hook and the package's score models on; its own results
# table (on PostgreSQL the session's tests share one schema, and test_scores.py reads the default)
PROJECT_YML = (
    DBT_PROJECT_YML
    + "vars:\n  pipeline_kit_store_results: true\n  pipeline_kit_enable_models: true\n"
    + "  pipeline_kit_results_table: pk_hook_review_results\n"
    + 'on-run-end:\n  - "{{ pipeline_kit.store_quality_results(results) }}"\n'
)

ORDERS = """\
select v.id, v.email from (values
  (1, 'a@x.io'), (2, null), (3, 'c@x.io'), (4, 'd@x.io'), (5, 'e@x.io'),
  (6, null), (7, 'g@x.io'), (8, 'h@x.io'), (9, 'i@x.io'), (10, 'j@x.io')
) as v (id, email)
"""
BROKEN = "select id from pk_no_such_table_anywhere\n"

SCHEMA = """\
version: 2
models:
  - name: rh_orders
    columns:
      - name: email
        data_tests:
          - not_null:
              config: {limit: 1, severity: warn}
      - name: id
        data_tests:
          - not_null:
              config: {where: "pk_no_such_column > 0"}
  - name: rh_broken
    columns:
      - name: id
        data_tests:
          - not_null
          - pipeline_kit.completeness_null_ratio
"""

RESULTS_SQL = """
select test_status, source, dimension, rule_kind, failing_rows, evaluated_rows, is_failing,
  model_name
from {{ pipeline_kit.quality_results_relation() }}
order by model_name, rule_kind, test_status
"""


def _stored(project: DbtProject) -> list[tuple[object, ...]]:
    keys = ("test_status", "source", "dimension", "rule_kind", "failing_rows", "evaluated_rows", "is_failing")
    return [tuple(str(row[key]) for key in (*keys, "model_name")) for row in show(project, RESULTS_SQL)]


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_errored_skipped_limited_and_latest(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    files = {"rh_orders.sql": ORDERS, "rh_broken.sql": BROKEN, "schema.yml": SCHEMA}
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, files)
    (tmp_path / "dbt_project.yml").write_text(PROJECT_YML)
    for _ in range(2):  # two invocations, back to back
        built = project.run("build", "--exclude", "package:pipeline_kit")
        assert not built.ok, "rh_broken cannot build"
        assert "pipeline_kit: " not in built.output or "not stored" not in built.output, built.tail()
    rows = _stored(project)
    # per invocation: the limited not_null (2 failing of 10), the erroring not_null (its where
    # names no column), and rh_broken's two skipped tests, each a failing rule of 0 rows
    expected = [
        ("skipped", "skipped", "completeness", "completeness_null_ratio", "0", "0", "1", "rh_broken"),
        ("skipped", "skipped", "completeness", "not_null", "0", "0", "1", "rh_broken"),
        ("error", "error", "completeness", "not_null", "0", "0", "1", "rh_orders"),
        ("warn", "dbt", "completeness", "not_null", "2", "10", "1", "rh_orders"),
    ]
    assert sorted(rows) == sorted(expected * 2), rows
    # the score models (views over the table): one latest invocation, whose broken model counts
    # two failing rules and no rows
    built = project.run("run", "--select", "package:pipeline_kit")
    assert built.ok, built.tail()
    latest = show(
        project,
        "select model_name, rules, failing_rules, evaluated_rows from"
        " {{ ref('pipeline_kit_quality_model_scores') }} where is_latest order by model_name",
    )
    assert [
        (r["model_name"], int(r["rules"]), int(r["failing_rules"]), int(r["evaluated_rows"])) for r in latest
    ] == [("rh_broken", 2, 2, 0), ("rh_orders", 2, 2, 10)], latest


def test_a_deferred_test_whose_model_is_not_in_the_schema_leaves_the_hook_running(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    """DuckDB: built in `main`, then tested with `--defer` from a `dev` schema holding nothing;
    the test reads main's table, and the hook, which cannot count dev's, leaves its row out."""
    files = {"rh_orders.sql": ORDERS, "schema.yml": SCHEMA.split("  - name: rh_broken", 1)[0]}
    project = mini_project("duckdb", adapter_targets, tmp_root, tmp_path, files)
    (tmp_path / "dbt_project.yml").write_text(PROJECT_YML)
    assert project.run("run", "--select", "rh_orders").ok
    state = tmp_path / "state"
    shutil.copytree(project.target.workdir / "target", state)
    target = project.target
    dev = DbtProject(
        AdapterTarget(target.name, target.workdir, "dev", {**target.env, "PK_SCHEMA": "dev"}), tmp_path
    )
    tested = dev.run("test", "--select", "not_null_rh_orders_email", "--defer", "--state", str(state))
    assert tested.ok, tested.tail()
    assert "has no relation in dev" in tested.output, tested.tail()
