"""`scd` with a timezone-aware `load_timestamp` (`current_timestamp`) in a session outside UTC.

The expression was cast to a naive timestamp, which keeps the session's wall clock: in New York the
load time of a delete was five hours early, sorted before the deleted key's version and was
dropped, so the key stayed current. A timezone-aware value is now converted to UTC, as an aware
`updated_at` is (the README: generated timestamps are naive UTC). The session time zone is set by
a pre-hook. fakesnow's session is always UTC, so the case runs on DuckDB and PostgreSQL. Found in
the 2026-12-07 review; fails on the code before the fix on both adapters.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ..dbt_harness import AdapterTarget
from ..merge.warehouse import read_table
from .mini_project import mini_project

pytestmark = pytest.mark.integration

MODEL = """\
{{ config(materialized='scd', scd_type=2, unique_key='id', updated_at='updated_at',
          hard_deletes='invalidate', load_timestamp='current_timestamp',
          pre_hook="set " ~ ("TimeZone = 'America/New_York'" if target.type == 'duckdb'
                             else "time zone 'America/New_York'")) }}
select 1 as id, 'a' as name, cast('2024-01-01 00:00:00+00' as timestamptz) as updated_at
{% if it_var('lz_batch', 1) | int == 1 %}
union all select 2, 'b', current_timestamp - interval '1 hour'
{% endif %}
"""


@pytest.mark.parametrize("adapter", ["duckdb", "postgres"])
def test_aware_load_timestamp_outside_utc(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, {"lz_dim.sql": MODEL})
    for batch in (1, 2):  # key 2 is missing from the second load: deleted at the load time
        result = project.run("run", *(["--full-refresh"] if batch == 1 else []), dbt_vars={"lz_batch": batch})
        assert result.ok, result.tail()
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    rows = {row["id"]: row for row in read_table(project, "lz_dim")}
    assert rows["2"]["is_current"] == "false", rows
    valid_to = dt.datetime.fromisoformat(rows["2"]["valid_to"])
    assert abs((now - valid_to).total_seconds()) < 600, (valid_to, now)  # UTC, not New York's clock
    assert rows["1"]["is_current"] == "true", rows
