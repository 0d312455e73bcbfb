"""`scd`: a key column whose type the model narrows (decimal(12,4) in the table, decimal(10,2) in
the select, which the load accepts and casts) keeps each key's history.

The stored rows' key hash is computed from the table's values (`1.0000`), but a batch row's was
computed from the select's (`1.00`), so the batch's keys matched no stored key. On PostgreSQL and
Snowflake every key of the batch got a second current row (the unchanged key 2 too); on DuckDB,
which deletes by the key columns' values, the stored rows were deleted and not rebuilt (key 1
lost its January version). The batch's key is now hashed as the table holds it, as its state
already was. Found in the 2026-12-07 review; fails on the code before the fix on all three adapters.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..dbt_harness import AdapterTarget
from ..merge.warehouse import as_multiset, read_table
from .mini_project import mini_project

pytestmark = pytest.mark.integration

JAN, FEB = "2024-01-01 00:00:00", "2024-02-01 00:00:00"

MODEL = """\
{{ config(materialized='scd', scd_type=2, unique_key='id', updated_at='updated_at') }}
{%- set batch = it_var('kc_batch', 1) | int %}
select cast(v.id as {{ 'decimal(12,4)' if batch == 1 else 'decimal(10,2)' }}) as id,
  cast(v.name as varchar(20)) as name, cast(v.updated_at as timestamp) as updated_at
from (
  values
{%- if batch == 1 %}
  (1, 'a', '2024-01-01 00:00:00'), (2, 'b', '2024-01-01 00:00:00')
{%- else %}
  (1, 'a2', '2024-02-01 00:00:00'), (2, 'b', '2024-01-01 00:00:00')
{%- endif %}
) as v (id, name, updated_at)
"""


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_narrowed_key_type_keeps_history(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, {"kc_dim.sql": MODEL})
    columns = ["name", "valid_from", "valid_to", "is_current"]
    expected = sorted([("a", JAN, FEB, "false"), ("a2", FEB, "", "true"), ("b", JAN, "", "true")])
    for batch in (1, 2, 2):  # the second load, then the same batch again (no change)
        result = project.run("run", dbt_vars={"kc_batch": batch})
        assert result.ok, f"batch {batch} on {adapter}:\n{result.tail()}"
    assert as_multiset(read_table(project, "kc_dim"), columns) == expected
