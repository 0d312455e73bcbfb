"""Shared helpers for the quality integration suite: artifacts, `dbt show`, a hooked project copy."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from ..dbt_harness import DbtProject, copy_project_tree

# Every generic test the package ships; each needs a passing and a failing case.
GENERIC_TESTS = (
    "completeness_null_ratio",
    "completeness_required_columns",
    "completeness_min_row_count",
    "completeness_date_series",
    "accuracy_range",
    "accuracy_expression",
    "accuracy_aggregate",
    "consistency_relationship",
    "consistency_reconciliation",
    "consistency_cross_column",
    "timeliness_freshness",
    "timeliness_load_lag",
    "validity_accepted_values",
    "validity_regex",
    "validity_length",
    "validity_castable",
    "validity_unique",
    "quality",
)

HOOK = '\non-run-end:\n  - "{{ pipeline_kit.store_quality_results(results) }}"\n'


def artifacts(project: DbtProject) -> tuple[dict[str, Any], dict[str, Any]]:
    target_dir = project.target.workdir / "target"
    manifest = json.loads((target_dir / "manifest.json").read_text())
    run_results = json.loads((target_dir / "run_results.json").read_text())
    return manifest, run_results


def statuses_by_rule(project: DbtProject) -> dict[str, str]:
    """Each generic test of the last run by its `rule_name` argument (else the test's name) -> status."""
    manifest, run_results = artifacts(project)
    statuses = {}
    for item in run_results["results"]:
        meta = manifest["nodes"][item["unique_id"]].get("test_metadata") or {}
        if meta:
            statuses[meta["kwargs"].get("rule_name") or meta["name"]] = item["status"]
    return statuses


def show(project: DbtProject, sql: str, dbt_vars: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Rows of an inline query through `dbt show` (works the same on every adapter)."""
    result = project.run("show", "--inline", sql, "--output", "json", "--limit", "-1", dbt_vars=dbt_vars)
    assert result.ok, f"dbt show failed on {project.target.name}:\n{result.tail()}"
    text = result.output
    start = text.index('{"show"') if '{"show"' in text else text.index("{")
    decoder = json.JSONDecoder()
    payload, _ = decoder.raw_decode(text[start:])
    rows: list[dict[str, Any]] = payload["show"]
    return [{key.lower(): value for key, value in row.items()} for row in rows]


def hooked_copy(project: DbtProject, root: Path) -> DbtProject:
    """A copy of the package + integration project whose dbt_project.yml adds the results hook."""
    project_dir = root / "pkg" / "integration_tests"
    if not project_dir.exists():
        project_dir = copy_project_tree(root / "pkg")
        config = project_dir / "dbt_project.yml"
        config.write_text(config.read_text() + HOOK)
    copy = DbtProject(project.target, project_dir=project_dir)
    deps = copy.deps()
    assert deps.ok, deps.tail()
    return copy


# Session time zones of the DST suites: New York has DST, Kolkata (+05:30) none.
SESSION_ZONES = ("America/New_York", "Asia/Kolkata")
FAKESNOW_FIXED_ZONE = (
    "fakesnow pins its DuckDB session to UTC (SET GLOBAL TimeZone = 'UTC') and does not "
    "implement ALTER SESSION SET TIMEZONE: no other session zone to run in (see the UTC run)"
)


def in_zone(project: DbtProject, zone: str) -> DbtProject:
    """The same target (schema, DuckDB file) with dbt running in session time zone `zone` (TZ for
    DuckDB, PGTZ for libpq)."""
    target = dataclasses.replace(project.target, env={**project.target.env, "TZ": zone, "PGTZ": zone})
    return DbtProject(target, project_dir=project.project_dir)
