"""Models whose names reach PostgreSQL's 63-character identifier limit build, load and rebuild.

dbt-postgres cuts a long model name so that a temporary relation's name (name + suffix +
timestamp) is exactly 63 characters. The `scd` materialization derived its other scratch names
from that one by swapping the tag `raw` for `src`, `keys`, `new` and `tgt`; `keys` is one
character longer, so from 39 characters on every run of the model failed before any SQL ("Relation
name ... is longer than 63 characters"). Found in the 2026-12-07 review (the scd case fails on the
code before the fix). Each materialization runs a first build, an incremental load that writes, and
a full refresh, on every adapter.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .dbt_harness import AdapterTarget
from .merge.warehouse import as_multiset, read_table
from .scd.mini_project import mini_project

pytestmark = pytest.mark.integration

SCD_NAME = "ln_scd_" + "x" * 53  # 60 characters
MERGE_NAME = "ln_merge_" + "x" * 51
BATCH = """\
{%- set batch = it_var('ln_batch', 1) | int %}
select cast(v.id as integer) as id, cast(v.name as varchar(20)) as name,
  cast(v.updated_at as timestamp) as updated_at
from (
  values
{%- if batch == 1 %}
  (1, 'a', '2024-01-01 00:00:00'), (2, 'b', '2024-01-01 00:00:00')
{%- else %}
  (1, 'a2', '2024-02-01 00:00:00')
{%- endif %}
) as v (id, name, updated_at)
"""
FILES = {
    f"{SCD_NAME}.sql": "{{ config(materialized='scd', scd_type=2, unique_key='id',"
    " updated_at='updated_at') }}\n" + BATCH,
    f"{MERGE_NAME}.sql": "{{ config(materialized='pipeline_kit_merge', unique_key='id',"
    " merge_order_by='updated_at') }}\n" + BATCH,
}


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_sixty_character_model_names(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, FILES)
    for args, batch in ((("run",), 1), (("run",), 2), (("run", "--full-refresh"), 2)):
        result = project.run(*args, dbt_vars={"ln_batch": batch})
        assert result.ok, f"{args} batch {batch} on {adapter}:\n{result.tail()}"
        if "--full-refresh" in args:
            continue
        scd = as_multiset(read_table(project, SCD_NAME), ["id", "name", "is_current"])
        merged = as_multiset(read_table(project, MERGE_NAME), ["id", "name"])
        if batch == 1:
            assert scd == [("1", "a", "true"), ("2", "b", "true")], scd
            assert merged == [("1", "a"), ("2", "b")], merged
        else:
            assert scd == [("1", "a", "false"), ("1", "a2", "true"), ("2", "b", "true")], scd
            assert merged == [("1", "a2"), ("2", "b")], merged
    # a full refresh rebuilds from the select (batch 2 holds key 1 only)
    assert as_multiset(read_table(project, SCD_NAME), ["id", "name"]) == [("1", "a2")]
    assert as_multiset(read_table(project, MERGE_NAME), ["id", "name"]) == [("1", "a2")]
