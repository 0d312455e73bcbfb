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
