"""The single-scan claim, checked: the compiled `quality` test reads the model once (each other
table once per rule that needs it), and its per-rule numbers equal the separate tests' numbers."""

from __future__ import annotations

import re

import pytest

from ..dbt_harness import DbtProject
from .helpers import artifacts, show

pytestmark = pytest.mark.integration

# (rule_kind, column_name) of a `quality` rule -> the separate generic test with the same rule
SAME_RULE = {
    ("null_ratio", "customer_id"): "completeness_null_ratio",
    ("null_ratio", "email"): "completeness_null_ratio",
    ("required_columns", "order_id, customer_id"): "completeness_required_columns",
    ("min_row_count", ""): "completeness_min_row_count",
    ("range", "quantity"): "accuracy_range",
    ("expression", ""): "accuracy_expression",
    ("relationship", "customer_id"): "consistency_relationship",
    ("cross_column", ""): "consistency_cross_column",
    ("freshness", "loaded_at"): "timeliness_freshness",
    ("load_lag", "loaded_at"): "timeliness_load_lag",
    ("accepted_values", "status"): "validity_accepted_values",
    ("regex", "email"): "validity_regex",
    ("length", "order_code"): "validity_length",
    ("castable", "amount_text"): "validity_castable",
}


def _compiled_tests(project: DbtProject) -> dict[str, dict[str, str]]:
    result = project.run("compile", "--select", "quality_orders", "quality_customers")
    assert result.ok, result.tail()
    manifest, _ = artifacts(project)
    tests = {}
    for node in manifest["nodes"].values():
        meta = node.get("test_metadata") or {}
        if meta.get("namespace") == "pipeline_kit" and node.get("attached_node", "").endswith(
            ".quality_orders"
        ):
            tests[node["unique_id"]] = {"name": meta["name"], "sql": node["compiled_code"]}
    return tests


def _relation_mentions(sql: str, identifier: str) -> int:
    return len(re.findall(rf"[\"`.\s]{identifier}[\"`]?(?:\s|\)|$)", sql, flags=re.IGNORECASE))


def test_quality_reads_the_model_once_and_matches_separate_tests(dbt_project: DbtProject) -> None:
    build = dbt_project.run("build", "--select", "path:seeds/quality", "path:models/quality")
    assert build.ok, build.tail()
    tests = _compiled_tests(dbt_project)
    quality_sql = next(test["sql"] for test in tests.values() if test["name"] == "quality")
    assert _relation_mentions(quality_sql, "quality_orders") == 1, quality_sql
    assert _relation_mentions(quality_sql, "quality_customers") == 1  # one join for the relationship
    assert _relation_mentions(quality_sql, "quality_orders_input") == 1  # one join for reconciliation

    # Numbers: the quality test's rows vs the separate tests' rows, same rule -> same counts.
    fields = "dimension, rule_kind, column_name, failing_rows, evaluated_rows"
    single = show(dbt_project, f"select {fields} from ({quality_sql}) as q")
    separate_sql = " union all ".join(
        f"select {fields} from ({test['sql']}) as t{index}"
        for index, test in enumerate(tests.values())
        if test["name"] != "quality"
    )
    separate = show(dbt_project, separate_sql)
    by_rule: dict[tuple[str, str], set[tuple[int, int]]] = {}
    for row in separate:
        by_rule.setdefault((row["rule_kind"], row["column_name"]), set()).add(
            (int(row["failing_rows"]), int(row["evaluated_rows"]))
        )
    compared = 0
    for row in single:
        key = (row["rule_kind"], row["column_name"])
        if key in SAME_RULE:
            assert (int(row["failing_rows"]), int(row["evaluated_rows"])) in by_rule[key], (row, by_rule[key])
            compared += 1
    assert compared == len(SAME_RULE), (compared, single)
