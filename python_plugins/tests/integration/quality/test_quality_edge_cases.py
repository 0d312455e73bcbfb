"""Edge cases where a quality test once gave the wrong verdict, on every adapter: each case is a
named test with the status it must end in.

- An empty model reconciled with a full one passed (the other side was joined to no row, and the
  NULL comparison counted as not failing); an empty model against an empty one passes.
- timeliness load lag passed on an empty table (no lag to measure) while freshness failed; it
  fails too.
- dbt's `limit` config cut the rules' rows before `fail_calc` counted them, keeping a passing rule
  in place of a failing one.
- completeness_date_series with a `start_date` inside a period (2024-03-15 by month, 06:00 by
  day) reported every period missing on complete data.
- Numbers in `values` were written bare, so a text column failed on PostgreSQL (text = integer);
  they are quoted as dbt's accepted_values quotes them, which a numeric column still takes.
- A test on an ephemeral model wrote a column name with a space unquoted (a syntax error).
- accuracy_range took numbers only: dates, timestamps and SQL expressions as bounds (as
  dbt_utils.accepted_range takes them).
- accuracy_expression and consistency_cross_column listed under a column failed with Jinja's
  "takes no keyword argument 'column_name'"; there the expression continues the column, as
  dbt_utils.expression_is_true's does. The other model-level tests under a column fail to parse
  with an error naming the test, the model and the column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from ..conftest import project_for
from ..dbt_harness import AdapterTarget, DbtProject, copy_project_tree
from .helpers import artifacts

pytestmark = pytest.mark.integration

MODELS = {
    "edge_orders": "select * from {{ ref('quality_orders_input') }}",
    "edge_empty": "select * from {{ ref('quality_orders_input') }} where 1 = 0",
    "edge_codes": (
        "select cast('1' as {{ dbt.type_string() }}) as code, 1 as num"
        " union all select cast('2' as {{ dbt.type_string() }}) as code, 2 as num"
        " union all select cast('4' as {{ dbt.type_string() }}) as code, 3 as num"
    ),
    "edge_ephemeral": (
        "{{ config(materialized='ephemeral') }}\n"
        "select order_id as \"Order ID\", status from {{ ref('quality_orders_input') }}"
    ),
}


def _test(
    name: str, test: str, arguments: dict[str, Any], config: dict[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "arguments": arguments}
    if config:
        body["config"] = config
    return {f"pipeline_kit.{test}": body}


def _reconcile(name: str, compare_to: str, **more: Any) -> dict[str, Any]:
    return _test(name, "consistency_reconciliation", {"compare_to": f"ref('{compare_to}')", **more})


# model -> (model-level tests, {column: column tests}); every test name -> the status it must end in
SCHEMA: dict[str, tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]] = {
    "edge_empty": (
        [
            _reconcile("edge_empty_count_vs_full", "edge_orders"),
            _reconcile("edge_empty_sum_vs_full", "edge_orders", measure="sum", column="quantity"),
            _reconcile("edge_empty_count_vs_empty", "edge_empty"),
            _test(
                "edge_empty_load_lag",
                "quality",
                {
                    "dimensions": {
                        "timeliness": [
                            {"column": "loaded_at", "event_column": "event_at", "max_lag_hours": 24}
                        ]
                    }
                },
            ),
            _test(
                "edge_empty_quality_vs_full",
                "quality",
                {"dimensions": {"consistency": [{"compare_to": "ref('edge_orders')", "measure": "count"}]}},
            ),
        ],
        {},
    ),
    "edge_orders": (
        [
            _test(
                "edge_limit_keeps_the_failing_rule",
                "quality",
                {
                    "dimensions": {
                        "completeness": [{"column": "order_id", "null_threshold": 0}],
                        "validity": [
                            {"column": "status", "allowed_values": ["pending", "completed", "cancelled"]}
                        ],
                    }
                },
                {"limit": 1},
            ),
            _reconcile("edge_full_count_vs_full", "edge_orders"),
        ],
        {
            "order_date": [
                _test(
                    "edge_series_month_from_mid_month",
                    "completeness_date_series",
                    {"datepart": "month", "start_date": "2024-03-15", "end_date": "2024-04-01"},
                ),
                _test(
                    "edge_series_day_from_six_am",
                    "completeness_date_series",
                    {"datepart": "day", "start_date": "2024-03-01 06:00", "end_date": "2024-03-07"},
                ),
                _test(
                    "edge_series_month_into_april",
                    "completeness_date_series",
                    {"datepart": "month", "start_date": "2024-03-15", "end_date": "2024-04-15"},
                ),
                _test(
                    "edge_range_dates_inside",
                    "accuracy_range",
                    {"min_value": "2024-03-01", "max_value": "2024-03-10"},
                ),
                _test(
                    "edge_range_dates_outside",
                    "accuracy_range",
                    {"min_value": "2024-03-02", "max_value": "2024-03-10"},
                ),
            ],
            "quantity": [
                _test("edge_column_expression_pass", "accuracy_expression", {"expression": ">= -1"}),
                _test("edge_column_expression_fail", "accuracy_expression", {"expression": "> 0"}),
            ],
            "line_total": [
                _test(
                    "edge_column_cross_column_pass",
                    "consistency_cross_column",
                    {"expression": "= quantity * unit_price", "tolerance": 0.1},
                ),
                _test(
                    "edge_column_cross_column_fail",
                    "consistency_cross_column",
                    {"expression": "= quantity * unit_price", "tolerance": 0.01},
                ),
            ],
            "loaded_at": [
                _test(
                    "edge_range_sql_expression",
                    "accuracy_range",
                    {"min_value": "cast('2024-01-01' as date)", "max_value": "current_timestamp"},
                ),
                _test(
                    "edge_range_timestamp_outside",
                    "accuracy_range",
                    {"max_value": "2024-03-05 00:00:00"},
                ),
            ],
        },
    ),
    "edge_codes": (
        [],
        {
            "code": [
                _test("edge_numbers_on_text_pass", "validity_accepted_values", {"values": [1, 2, 4]}),
                _test("edge_numbers_on_text_fail", "validity_accepted_values", {"values": [1, 2]}),
            ],
            "num": [
                _test("edge_numbers_on_integer_pass", "validity_accepted_values", {"values": [1, 2, 3]}),
                _test("edge_numbers_on_integer_fail", "validity_accepted_values", {"values": [1, 2]}),
                _test(
                    "edge_unquoted_numbers_pass",
                    "validity_accepted_values",
                    {"values": [1, 2, 3], "quote": False},
                ),
            ],
        },
    ),
    "edge_ephemeral": (
        [],
        {
            "Order ID": [
                _test("edge_ephemeral_spaced_name", "completeness_null_ratio", {}),
                _test("edge_ephemeral_spaced_unique", "validity_unique", {}),
            ],
        },
    ),
}

FAILING = {
    "edge_empty_load_lag",
    "edge_empty_count_vs_full",
    "edge_empty_sum_vs_full",
    "edge_empty_quality_vs_full",
    "edge_limit_keeps_the_failing_rule",
    "edge_series_month_into_april",
    "edge_range_dates_outside",
    "edge_range_timestamp_outside",
    "edge_numbers_on_text_fail",
    "edge_numbers_on_integer_fail",
    "edge_column_expression_fail",
    "edge_column_cross_column_fail",
}


def _write_project(project_dir: Path) -> None:
    model_dir = project_dir / "models" / "quality_edges"
    model_dir.mkdir()
    for name, sql in MODELS.items():
        (model_dir / f"{name}.sql").write_text(sql + "\n")
    models = [
        {
            "name": name,
            "data_tests": model_tests,
            "columns": [{"name": column, "data_tests": tests} for column, tests in columns.items()],
        }
        for name, (model_tests, columns) in SCHEMA.items()
    ]
    (model_dir / "schema.yml").write_text(yaml.safe_dump({"version": 2, "models": models}, sort_keys=False))


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_edge_cases_end_in_their_status(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    base = project_for(adapter, adapter_targets, tmp_root)
    project_dir = copy_project_tree(tmp_path / "pkg")
    project = DbtProject(base.target, project_dir=project_dir)
    assert project.deps().ok
    _write_project(project_dir)
    seeded = project.run("seed", "--select", "quality_orders_input")
    assert seeded.ok, seeded.tail()
    result = project.run("build", "--select", "path:models/quality_edges")
    manifest, run_results = artifacts(project)
    statuses = {
        manifest["nodes"][item["unique_id"]]["name"]: item["status"]
        for item in run_results["results"]
        if item["unique_id"].startswith("test.")
    }
    expected = {
        name: "fail" if name in FAILING else "pass"
        for _, (model_tests, columns) in SCHEMA.items()
        for test in model_tests + [test for tests in columns.values() for test in tests]
        for name in [next(iter(test.values()))["name"]]
    }
    wrong = {
        name: (statuses.get(name), want) for name, want in expected.items() if statuses.get(name) != want
    }
    assert not wrong, f"{adapter}: test -> (status, expected) {wrong}\n{result.tail(60)}"


@pytest.mark.parametrize(
    "test",
    ["completeness_min_row_count", "completeness_required_columns", "consistency_reconciliation", "quality"],
)
def test_a_model_level_test_under_a_column_is_a_named_error(
    test: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    base = project_for("duckdb", adapter_targets, tmp_root)
    project_dir = copy_project_tree(tmp_path / "pkg")
    project = DbtProject(base.target, project_dir=project_dir)
    assert project.deps().ok
    model_dir = project_dir / "models" / "quality_edges"
    model_dir.mkdir()
    (model_dir / "edge_orders.sql").write_text(MODELS["edge_orders"] + "\n")
    arguments: dict[str, Any] = {
        "completeness_min_row_count": {"min_row_count": 1},
        "completeness_required_columns": {"columns": ["order_id"]},
        "consistency_reconciliation": {"compare_to": "ref('edge_orders')"},
        "quality": {"dimensions": {"completeness": [{"column": "order_id"}]}},
    }[test]
    column = {"name": "order_id", "data_tests": [_test("edge_misplaced", test, arguments)]}
    schema = {"version": 2, "models": [{"name": "edge_orders", "columns": [column]}]}
    (model_dir / "schema.yml").write_text(yaml.safe_dump(schema, sort_keys=False))
    parsed = project.run("parse")
    assert not parsed.ok
    assert f"pipeline_kit.{test}: edge_orders: a model-level test, listed under a column" in parsed.output, (
        parsed.tail()
    )
    assert "(got order_id)" in parsed.output and "takes no keyword argument" not in parsed.output
