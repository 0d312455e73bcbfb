"""Bad rule configuration fails compilation with a message naming the model and the rule."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ..conftest import project_for
from ..dbt_harness import AdapterTarget, DbtProject, copy_project_tree

pytestmark = pytest.mark.integration

CASES = {
    "unknown dimension": (
        {"correctness": [{"column": "status", "allowed_values": ["a"]}]},
        ["pipeline_kit.quality", "quality_bad_rules", "correctness", "unknown dimension"],
    ),
    "unknown rule key": (
        {"validity": [{"column": "status", "allowed_valuez": ["a"]}]},
        ["pipeline_kit.quality", "quality_bad_rules", "validity[0] status", "allowed_valuez"],
    ),
    "column missing": (
        {"completeness": [{"column": "no_such_column", "null_threshold": 0}]},
        ["pipeline_kit.quality", "quality_bad_rules", "completeness[0] no_such_column", "not in the model"],
    ),
    "threshold above 1": (
        {"completeness": [{"column": "email", "null_threshold": 1.5}]},
        ["pipeline_kit.quality", "quality_bad_rules", "completeness[0] email", "[0, 1]", "1.5"],
    ),
    "range bounds crossed": (
        {"accuracy": [{"column": "quantity", "min_value": 100, "max_value": 0.5}]},
        ["pipeline_kit.quality", "quality_bad_rules", "accuracy[0] quantity", "100 > 0.5"],
    ),
    "aggregate bounds crossed": (
        {"accuracy": [{"column": "quantity", "aggregate": "sum", "min_value": 10, "max_value": 1}]},
        ["pipeline_kit.quality", "quality_bad_rules", "accuracy[0] quantity", "10 > 1"],
    ),
    "length without bounds": (
        {"validity": [{"column": "status", "min_length": None, "max_length": None}]},
        [
            "pipeline_kit.quality",
            "quality_bad_rules",
            "validity[0] status",
            "`min_length` and/or `max_length`",
        ],
    ),
    "length bounds crossed": (
        {"validity": [{"column": "status", "min_length": 9, "max_length": 3}]},
        ["pipeline_kit.quality", "quality_bad_rules", "validity[0] status", "9 > 3"],
    ),
    "negative threshold": (
        {"validity": [{"column": "status", "allowed_values": ["a"], "threshold": -0.1}]},
        ["pipeline_kit.quality", "quality_bad_rules", "validity[0] status", "[0, 1]", "-0.1"],
    ),
}


@pytest.fixture(scope="module")
def copied_project(
    tmp_path_factory: pytest.TempPathFactory, adapter_targets: dict[str, AdapterTarget], tmp_root: Path
) -> tuple[DbtProject, Path]:
    duckdb_project = project_for("duckdb", adapter_targets, tmp_root)
    project_dir = copy_project_tree(tmp_path_factory.mktemp("quality_errors") / "pkg")
    project = DbtProject(duckdb_project.target, project_dir=project_dir)
    assert project.deps().ok
    model_dir = project_dir / "models" / "quality"
    (model_dir / "quality_bad_rules.sql").write_text("select * from {{ ref('quality_orders_input') }}\n")
    for command in ("seed", "run"):
        built = project.run(command, "--select", "quality_orders_input", "quality_bad_rules")
        assert built.ok, built.tail()
    return project, model_dir / "bad_rules.yml"


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_rule_config_is_a_named_compiler_error(
    copied_project: tuple[DbtProject, Path], case: str
) -> None:
    project, bad_file = copied_project
    dimensions, fragments = CASES[case]
    bad_file.write_text(
        yaml.safe_dump(
            {
                "version": 2,
                "models": [
                    {
                        "name": "quality_bad_rules",
                        "data_tests": [{"pipeline_kit.quality": {"arguments": {"dimensions": dimensions}}}],
                    }
                ],
            }
        )
    )
    try:
        result = project.run("compile", "--select", "quality_bad_rules")
    finally:
        bad_file.unlink()
    assert not result.ok, f"{case}: compiled without error:\n{result.tail()}"
    for fragment in fragments:
        assert fragment in result.output, f"{case}: {fragment!r} missing from:\n{result.tail()}"


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_hourly_date_series_on_a_date_column_is_a_named_error(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    """completeness_date_series by hour on a DATE column has no hours to count: the test fails when
    compiled, naming the test, the model, the column, its type and the datepart; by day it runs."""
    base = project_for(adapter, adapter_targets, tmp_root)
    project_dir = copy_project_tree(tmp_path / "pkg")
    project = DbtProject(base.target, project_dir=project_dir)
    assert project.deps().ok
    model_dir = project_dir / "models" / "quality"
    (model_dir / "quality_date_column.sql").write_text(
        "select cast('2024-03-10' as date) as order_day\n"
        "union all select cast('2024-03-11' as date) as order_day\n"
    )
    tests = [
        {"pipeline_kit.completeness_date_series": {"arguments": {"datepart": datepart}}}
        for datepart in ("hour", "day")
    ]
    (model_dir / "date_column.yml").write_text(
        yaml.safe_dump(
            {
                "version": 2,
                "models": [
                    {"name": "quality_date_column", "columns": [{"name": "order_day", "data_tests": tests}]}
                ],
            }
        )
    )
    built = project.run("run", "--select", "quality_date_column")
    assert built.ok, built.tail()
    result = project.run("test", "--select", "quality_date_column")
    assert not result.ok, f"an hourly series on a date column ran:\n{result.tail()}"
    for fragment in (
        "pipeline_kit.completeness_date_series",
        "quality_date_column",
        "completeness[0] order_day",
        "datepart hour needs a timestamp column",
        "`order_day` is of type date",
        "(got datepart hour on a date column)",
    ):
        assert fragment in result.output, f"{fragment!r} missing from:\n{result.tail()}"
    # the daily series on the same column is not affected: it runs and passes (1 error, 1 pass)
    assert "PASS=1" in result.output and "ERROR=1" in result.output, result.tail()
