"""`scd` keys whose text is not one per value, and infinite change times.

- A `timestamptz` key was hashed from its text, which follows the session's TimeZone: loaded in
  UTC and then in New York, one key was two, with two current rows on PostgreSQL; on DuckDB,
  which deletes a touched key's rows by the key's values but writes versions back grouped by the
  hash, its first version was deleted and lost. A timestamptz is now hashed as its UTC time.
- DuckDB's delete also matches the stored hash now, so a key equal by `=` but of another text
  (`0.0` and `-0.0`, a NOCASE collation) keeps its stored rows; it is still seen as a new key (two
  current rows, as on PostgreSQL), a limit the README documents with its workaround.
- PostgreSQL: `to_char` of an infinite timestamp is NULL, so a version starting at '-infinity' had
  a NULL `scd_id`.
Found in the 2026-12-07 review; each fails on the code before the fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..dbt_harness import AdapterTarget
from ..merge.warehouse import as_multiset, read_table
from .mini_project import mini_project, run_batches

pytestmark = pytest.mark.integration

# each load sets the session's zone first: UTC, then New York
ZONE_KEY = """\
{%- set batch = it_var('kt_batch', 1) | int %}
{%- set zone = 'America/New_York' if batch == 2 else 'UTC' %}
{{ config(materialized='scd', scd_type=2, unique_key='k', updated_at='ts',
          pre_hook=("set TimeZone = '" if target.type == 'duckdb' else "set time zone '") ~ zone ~ "'") }}
select cast('2024-03-01 05:00:00+00' as timestamptz) as k, 'v{{ batch }}' as v,
  cast('2024-01-0{{ batch }}' as timestamp) as ts
"""

SIGNED_ZERO_KEY = """\
{%- set batch = it_var('kt_batch', 1) | int %}
{{ config(materialized='scd', scd_type=2, unique_key='k', updated_at='ts') }}
select cast('{{ '-0.0' if batch == 2 else '0.0' }}' as double) as k, 'v{{ batch }}' as v,
  cast('2024-01-0{{ batch }}' as timestamp) as ts
"""

INFINITE = """\
{{ config(materialized='scd', scd_type=2, unique_key='id', updated_at='ts') }}
select 1 as id, 'a' as v, cast('-infinity' as timestamp) as ts
"""


@pytest.mark.parametrize("adapter", ["duckdb", "postgres"])
def test_timestamptz_key_across_session_zones(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, {"kt_zone.sql": ZONE_KEY})
    run_batches(project, "kt_batch")
    # one key: v1 closed by v2
    assert as_multiset(read_table(project, "kt_zone"), ["v", "is_current"]) == [
        ("v1", "false"),
        ("v2", "true"),
    ]


def test_duckdb_keeps_rows_of_a_key_of_another_text(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project("duckdb", adapter_targets, tmp_root, tmp_path, {"kt_zero.sql": SIGNED_ZERO_KEY})
    for batch in (1, 2):
        result = project.run("run", dbt_vars={"kt_batch": batch})
        assert result.ok, result.tail()
    # 0.0 = -0.0 but the texts differ: a new key (documented), and the first version is kept
    assert [row[0] for row in as_multiset(read_table(project, "kt_zero"), ["v"])] == ["v1", "v2"]


def test_postgres_infinite_change_time_has_an_scd_id(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project("postgres", adapter_targets, tmp_root, tmp_path, {"kt_infinite.sql": INFINITE})
    result = project.run("run", "--full-refresh")
    assert result.ok, result.tail()
    rows = read_table(project, "kt_infinite")
    assert len(rows) == 1 and rows[0]["scd_id"] not in ("", None), rows
