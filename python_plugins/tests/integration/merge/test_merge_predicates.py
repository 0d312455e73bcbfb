"""dbt's `incremental_predicates` on pipeline_kit_merge: the conditions (on DBT_INTERNAL_DEST, the
target row, and DBT_INTERNAL_SOURCE, the batch row) join the key match of every path, as they
join dbt's merge, so a large target is only searched where they allow (partition pruning on
Snowflake, zone maps on DuckDB). A target row they exclude is not matched: its key's change is
inserted beside it, as with dbt's strategies. Model: integration_tests/models/merge/merge_predicates.sql."""

from __future__ import annotations

from typing import Any

import pytest

from ..conftest import project_for
from ..dbt_harness import AdapterTarget
from .warehouse import read_table

pytestmark = pytest.mark.integration

AFTER_BATCH_2 = [
    ("1", "2024-01-01 00:00:00", "a"),  # outside the predicate: not matched, kept
    ("1", "2024-01-10 00:00:00", "b"),  # so the change is inserted beside it
    ("2", "2024-01-05 00:00:00", "a"),
    ("3", "2024-01-10 00:00:00", "b"),  # inside: updated in place
    ("4", "2024-01-10 00:00:00", "b"),
]
# batch 3 closes key 3: its row matched before the update, so it is updated, not inserted again
AFTER_BATCH_3 = [row for row in AFTER_BATCH_2 if row[0] != "3"] + [("3", "2024-01-11 00:00:00", "closed")]


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
@pytest.mark.parametrize("fallback", [False, True], ids=["default_path", "fallback"])
def test_incremental_predicates_limit_the_match(
    adapter: str, fallback: bool, adapter_targets: dict[str, AdapterTarget], tmp_root: Any
) -> None:
    project = project_for(adapter, adapter_targets, tmp_root)
    model = "merge_predicates"
    for batch, args, expected in (
        (1, ["--full-refresh"], None),
        (2, [], AFTER_BATCH_2),
        (3, [], AFTER_BATCH_3),
    ):
        dbt_vars: dict[str, Any] = {"merge_predicates_batch": batch}
        if fallback:
            dbt_vars["merge_force_fallback"] = True
        result = project.run("run", "--select", model, *args, dbt_vars=dbt_vars)
        assert result.ok, result.tail()
        if expected is not None:
            rows = sorted((row["id"], row["updated_at"], row["label"]) for row in read_table(project, model))
            assert rows == sorted(expected), f"after batch {batch}"
