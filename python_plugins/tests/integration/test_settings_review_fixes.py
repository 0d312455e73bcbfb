"""Settings defects found by the 2026-12-07 review, each reproduced first:
- `merge_exclude_columns` / `merge_update_columns` under `meta` were ignored (the merge read them
  from the top of the config only), so the protected column was overwritten;
- a misspelt setting (`merge_delete_mod`, `hard_delete`) or a dbt snapshot setting
  (`invalidate_hard_deletes`) was kept by dbt without a word and left the default in force.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .dbt_harness import AdapterTarget
from .merge.warehouse import as_multiset, read_table
from .scd.mini_project import mini_project

pytestmark = pytest.mark.integration

ADAPTERS = ["duckdb", "postgres", "snowflake"]

# batch b: the row's `val` and `note` change; the meta setting protects `note`
MERGE_WITH_META = """
{{{{ config(materialized='pipeline_kit_merge', unique_key='id',
          meta={{'merge_order_by': 'updated_at', '{setting}': {columns}}}) }}}}
select 1 as id, cast('v{{{{ var('b', 1) }}}}' as varchar(5)) as val,
       cast('n{{{{ var('b', 1) }}}}' as varchar(5)) as note,
       cast('2024-01-0{{{{ var('b', 1) }}}}' as timestamp) as updated_at
"""
META_EXCLUDE = MERGE_WITH_META.format(setting="merge_exclude_columns", columns="['note']")
META_UPDATE = MERGE_WITH_META.format(setting="merge_update_columns", columns="['val']")


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_update_and_exclude_columns_under_meta_protect_their_columns(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    models = {"st_meta_exclude.sql": META_EXCLUDE, "st_meta_update.sql": META_UPDATE}
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, models)
    for batch in (1, 2):
        result = project.run(
            "run", "--select", "st_meta_exclude", "st_meta_update", "--vars", f"{{b: {batch}}}"
        )
        assert result.ok, f"batch {batch} on {adapter}:\n{result.tail()}"
    for table in ("st_meta_exclude", "st_meta_update"):
        # val and updated_at updated; note kept from the first batch
        assert as_multiset(read_table(project, table), ["id", "val", "note"]) == [("1", "v2", "n1")], table


MISSPELT = {
    "st_bad_merge.sql": (
        "{{ config(materialized='pipeline_kit_merge', unique_key='id', merge_order_by='u', "
        "merge_op_column='op', merge_delete_mod='soft') }}\nselect 1 as id, 1 as u, 'I' as op\n",
        ["pipeline_kit.pipeline_kit_merge: st_bad_merge:", "`merge_delete_mod` is not a setting"],
    ),
    "st_bad_merge_meta.sql": (
        "{{ config(materialized='pipeline_kit_merge', unique_key='id', "
        "meta={'merge_order_by': 'u', 'merge_exclude_column': ['x']}) }}\nselect 1 as id, 1 as u, 2 as x\n",
        [
            "st_bad_merge_meta:",
            "`merge_exclude_column` is not a setting",
            "did you mean `merge_exclude_columns`",
        ],
    ),
    "st_bad_scd.sql": (
        "{{ config(materialized='scd', scd_type=2, unique_key='id', updated_at='u', "
        "hard_delete='invalidate') }}\nselect 1 as id, 1 as u\n",
        ["pipeline_kit.scd: st_bad_scd:", "`hard_delete` is not a setting", "did you mean `hard_deletes`"],
    ),
    "st_bad_scd_snapshot_key.sql": (
        "{{ config(materialized='scd', scd_type=2, unique_key='id', updated_at='u', "
        "invalidate_hard_deletes=true) }}\nselect 1 as id, 1 as u\n",
        [
            "st_bad_scd_snapshot_key:",
            "`invalidate_hard_deletes` is not a setting",
            "hard_deletes='invalidate'",
        ],
    ),
    "st_bad_scd_check.sql": (
        "{{ config(materialized='scd', scd_type=2, unique_key='id', updated_at='u', strategy='check', "
        "meta={'check_col': ['v']}) }}\nselect 1 as id, 1 as u, 2 as v\n",
        ["st_bad_scd_check:", "`check_col` is not a setting", "did you mean `check_cols`"],
    ),
}


def test_misspelt_settings_fail_naming_model_and_key(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    models = {name: sql for name, (sql, _) in MISSPELT.items()}
    models["st_fine.sql"] = (
        "{{ config(materialized='scd', scd_type=2, unique_key='id', updated_at='u', my_team_setting='x', "
        "meta={'owner': 'data'}) }}\nselect 1 as id, cast('2024-01-01' as timestamp) as u\n"
    )
    project = mini_project("duckdb", adapter_targets, tmp_root, tmp_path, models)
    result = project.run("run")
    for name, (_, fragments) in MISSPELT.items():
        for fragment in fragments:
            assert fragment in result.output, f"{name}: {fragment!r} missing:\n{result.tail(60)}"
    # keys of the user's own (not near one of ours) stay allowed
    assert "ERROR=5" in result.output and "PASS=1" in result.output, result.tail()
