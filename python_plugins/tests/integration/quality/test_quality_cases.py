"""Every pipeline_kit quality test passes on clean thresholds and fails on the negative model.

One `dbt build` per adapter builds the quality seeds and models, including
`quality_negative_orders` (enabled by the var), and runs every test on both models.
"""

from __future__ import annotations

import pytest

from ..dbt_harness import DbtProject
from .helpers import GENERIC_TESTS, artifacts

pytestmark = pytest.mark.integration

NEGATIVE_VARS = {"pk_quality_negative": True}


def test_every_quality_test_passes_and_fails_where_expected(dbt_project: DbtProject) -> None:
    result = dbt_project.run(
        "build", "--select", "path:models/quality", "path:seeds/quality", dbt_vars=NEGATIVE_VARS
    )
    manifest, run_results = artifacts(dbt_project)
    statuses = {item["unique_id"]: item for item in run_results["results"]}
    passing: set[str] = set()
    failing: set[str] = set()
    problems = []
    for unique_id, item in statuses.items():
        node = manifest["nodes"].get(unique_id, {})
        meta = node.get("test_metadata") or {}
        if meta.get("namespace") != "pipeline_kit":
            continue
        attached = (node.get("attached_node") or "").split(".")[-1]
        if attached == "quality_negative_orders":
            failing.add(meta["name"]) if item["status"] == "fail" else problems.append(
                f"negative case did not fail: {unique_id} {item['status']} {item['message']}"
            )
        elif attached in {"quality_orders", "quality_scored_orders"}:
            passing.add(meta["name"]) if item["status"] == "pass" else problems.append(
                f"positive case did not pass: {unique_id} {item['status']} {item['message']}"
            )
    assert not problems, "\n".join(problems) + "\n" + result.tail(60)
    assert set(GENERIC_TESTS) <= passing, f"no passing case for {set(GENERIC_TESTS) - passing}"
    assert set(GENERIC_TESTS) <= failing, f"no failing case for {set(GENERIC_TESTS) - failing}"
    # The negative `quality` test tightens exactly three rules: it reports three failing rules.
    quality = [
        item
        for unique_id, item in statuses.items()
        if unique_id.startswith("test.") and "pipeline_kit_quality_quality_negative_orders" in unique_id
    ]
    assert [item["failures"] for item in quality] == [3]
    assert not result.ok  # the negative cases make the build fail, as they must


def test_empty_build_judges_no_table_as_a_whole(dbt_project: DbtProject) -> None:
    """`dbt build --empty` builds the models empty: the checks of a table as a whole (min row count,
    sum and percentile bounds, freshness; in the `quality` test too) would all fail there. They are
    not evaluated; every test passes. The models are rebuilt with their rows afterwards."""
    seeded = dbt_project.run("seed", "--select", "path:seeds/quality")
    assert seeded.ok, seeded.tail()
    empty = dbt_project.run("build", "--select", "path:models/quality", "--empty")
    _, run_results = artifacts(dbt_project)
    not_passing = [
        f"{item['unique_id']} {item['status']} {item['message']}"
        for item in run_results["results"]
        if item["unique_id"].startswith("test.") and item["status"] != "pass"
    ]
    tests = [item for item in run_results["results"] if item["unique_id"].startswith("test.")]
    assert len(tests) >= len(GENERIC_TESTS), empty.tail()
    assert not not_passing, "\n".join(not_passing)
    assert empty.ok, empty.tail()
    rebuilt = dbt_project.run("run", "--select", "path:models/quality")
    assert rebuilt.ok, rebuilt.tail()
