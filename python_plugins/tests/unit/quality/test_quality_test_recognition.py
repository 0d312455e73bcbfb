"""Only pipeline_kit's quality tests report rule rows; other package tests (scd2_integrity) are
neither re-run for rule rows nor counted as a dimension (the demo once failed on exactly this)."""

from __future__ import annotations

from pipeline_kit.quality.results import TestRun as QualityTestRun
from pipeline_kit.quality.results import from_artifacts, from_warehouse, is_quality_test


def run(name: str, namespace: str | None = "pipeline_kit") -> QualityTestRun:
    return QualityTestRun(
        unique_id=f"test.demo.{name}",
        status="pass",
        failures=0,
        name=name,
        namespace=namespace,
        kwargs={"column_name": "id"},
        model="dim_customers",
        relation='"main"."dim_customers"',
        compiled_code="select 1 as problem",
    )


def test_recognises_quality_tests_by_dimension_prefix() -> None:
    assert is_quality_test(run("validity_regex"))
    assert is_quality_test(run("quality"))
    assert not is_quality_test(run("scd2_integrity"))
    assert not is_quality_test(run("validity_regex", namespace=None))


def test_other_package_tests_are_not_scored() -> None:
    queried: list[str] = []

    def query(sql: str) -> list[tuple[object, ...]]:
        queried.append(sql)
        return [("validity", "regex(id)", 0, 10, 0)]

    assert from_warehouse([run("scd2_integrity")], query) == []
    assert queried == []
    assert from_artifacts([run("scd2_integrity")]) == []
    scored = from_warehouse([run("validity_regex")], query)
    assert [(r.dimension, r.evaluated_rows) for r in scored] == [("validity", 10)]


def test_a_limited_not_null_counts_the_rows_of_its_sql_and_stored_errors_are_not_doubled() -> None:
    """dbt's failure count of a not_null under `limit: 1` is 1 however many rows fail: the rows of
    its compiled SQL are counted instead. A results table row of an errored test (the hook stores
    one) is left to the artifacts' own record of it, not counted twice."""
    from dataclasses import replace

    from pipeline_kit.quality.results import from_results_table

    def query(sql: str) -> list[tuple[object, ...]]:
        if sql.startswith("select count(*) from"):
            return [(10,)]  # the model's rows
        assert sql == "select coalesce(count(*), 0) from (select 1 as problem) as pk_failing_values", sql
        return [(2,)]  # the failing rows the limit hid

    limited = replace(run("not_null", namespace=None), status="fail", failures=1, failures_altered=True)
    assert [(r.failing_rows, r.evaluated_rows) for r in from_warehouse([limited], query)] == [(2, 10)]
    plain = replace(limited, failures_altered=False)
    assert [(r.failing_rows, r.evaluated_rows) for r in from_warehouse([plain], query)] == [(1, 10)]

    stored = [
        ("m", "completeness", "not_null(id)", 2, 10, 1, "dbt"),
        ("m", "completeness", "test.demo.not_null_m_x", 0, 0, 1, "error"),
        ("m", "completeness", "test.demo.not_null_b_x", 0, 0, 1, "skipped"),
    ]
    rules = from_results_table("inv", "results", lambda sql: stored)
    assert [(r.rule, r.source) for r in rules] == [("not_null(id)", "dbt")]
