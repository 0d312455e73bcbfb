"""Atomicity and configuration errors of pipeline_kit_merge.

- A batch that fails (a cast error while reading it, or a failure after the MERGE / fallback
  statements ran, inside the same transaction) leaves the target row-for-row as it was
  (DuckDB and PostgreSQL; both the MERGE and the fallback path).
- A bad configuration fails with a compiler error naming the model and the argument."""

from __future__ import annotations

from typing import Any

import pytest

from ..conftest import project_for
from ..dbt_harness import AdapterTarget, DbtProject
from .warehouse import as_multiset, read_table

pytestmark = pytest.mark.integration

FAULTS = {
    "cast error in the batch": {"merge_fault_cast": True},
    "failure after the merge, same transaction": {"merge_fault_sql": "select cast('boom' as integer)"},
}


@pytest.mark.parametrize("adapter", ["duckdb", "postgres"])
def test_failed_batch_leaves_target_unchanged(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Any
) -> None:
    project: DbtProject = project_for(adapter, adapter_targets, tmp_root)
    assert project.run("seed", "--select", "merge_cdc_events", "--full-refresh").ok
    loaded = project.run("run", "--select", "merge_cdc_hard", "--full-refresh", dbt_vars={"merge_batch": 3})
    assert loaded.ok, loaded.output
    before = read_table(project, "merge_cdc_hard")
    columns = sorted(before[0])
    for fallback in (False, True):
        for fault, fault_vars in FAULTS.items():
            dbt_vars = {"merge_batch": 4, "merge_force_fallback": fallback, **fault_vars}
            result = project.run("run", "--select", "merge_cdc_hard", dbt_vars=dbt_vars)
            assert not result.ok, f"{fault} (fallback={fallback}) did not fail"
            after = read_table(project, "merge_cdc_hard")
            assert as_multiset(after, columns) == as_multiset(before, columns), (
                f"{adapter}: {fault} (fallback={fallback}) changed the target"
            )
    # The same batch without the fault does change it (so the checks above can fail).
    clean = project.run("run", "--select", "merge_cdc_hard", dbt_vars={"merge_batch": 4})
    assert clean.ok, clean.output
    assert as_multiset(read_table(project, "merge_cdc_hard"), columns) != as_multiset(before, columns)


BAD_CONFIGS = {
    "no unique_key": ({"merge_order_by": "updated_at"}, ["`unique_key` is required"]),
    "no ordering column": ({"unique_key": "id"}, ["`merge_order_by` is required"]),
    "ordering column absent": (
        {"unique_key": "id", "merge_order_by": "modified_at"},
        ["`merge_order_by`", "modified_at"],
    ),
    "unique_key column absent": (
        {"unique_key": ["id", "region"], "merge_order_by": "updated_at"},
        ["`unique_key`", "region"],
    ),
    "unknown delete mode": (
        {
            "unique_key": "id",
            "merge_order_by": "updated_at",
            "merge_op_column": "op",
            "merge_delete_mode": "archive",
        },
        ["`merge_delete_mode`", "archive"],
    ),
    "missing op column": (
        {"unique_key": "id", "merge_order_by": "updated_at", "merge_op_column": "operation"},
        ["`merge_op_column`", "operation"],
    ),
    "delete mode without op column": (
        {"unique_key": "id", "merge_order_by": "updated_at", "merge_delete_mode": "soft"},
        ["`merge_delete_mode` needs `merge_op_column`"],
    ),
    "update and exclude columns": (
        {
            "unique_key": "id",
            "merge_order_by": "updated_at",
            "merge_update_columns": ["amount"],
            "merge_exclude_columns": ["op"],
        },
        ["`merge_update_columns` or `merge_exclude_columns`"],
    ),
    "unknown update column": (
        {"unique_key": "id", "merge_order_by": "updated_at", "merge_update_columns": ["total"]},
        ["`merge_update_columns`", "total"],
    ),
    "blank incremental predicate": (
        {"unique_key": "id", "merge_order_by": "updated_at", "incremental_predicates": ["a > 1", " "]},
        ["`incremental_predicates` must be a list of SQL conditions", "a > 1"],
    ),
}


def test_bad_config_raises_named_compiler_error(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Any
) -> None:
    project = project_for("duckdb", adapter_targets, tmp_root)
    for case, (config, fragments) in BAD_CONFIGS.items():
        dbt_vars = {"merge_bad_enabled": True, "merge_bad_config": config}
        result = project.run("run", "--select", "merge_bad_config", dbt_vars=dbt_vars)
        assert not result.ok, f"{case}: ran without error"
        for fragment in ["pipeline_kit.pipeline_kit_merge", "merge_bad_config", *fragments]:
            assert fragment in result.output, f"{case}: {fragment!r} missing from:\n{result.output}"
    good = {"unique_key": "id", "merge_order_by": "updated_at", "merge_op_column": "op"}
    result = project.run(
        "run",
        "--select",
        "merge_bad_config",
        dbt_vars={"merge_bad_enabled": True, "merge_bad_config": good},
    )
    assert result.ok, f"a valid config failed:\n{result.output}"
