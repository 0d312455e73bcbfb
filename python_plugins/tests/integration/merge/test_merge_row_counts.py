"""dbt reports the merge's own row count (`MERGE 2` in the log line and in run_results.json).

The write used to share its call with the scratch tables' drops, which came last, so dbt reported
`DROP TABLE` and -1 rows on PostgreSQL (dbt's incremental reports `MERGE n`) and the drop's result
on Snowflake. The write is now the call's last statement: on PostgreSQL the scratch tables go with
the commit (on commit drop), on Snowflake in a statement after it. Only written rows count: an
unchanged row of the batch is not rewritten. DuckDB's adapter reports no counts for any model.
Found in the 2026-12-07 review; fails on the code before the fix on both adapters.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ..dbt_harness import AdapterTarget
from ..quality.helpers import artifacts
from ..scd.mini_project import mini_project
from .warehouse import fakesnow_database

pytestmark = pytest.mark.integration

BATCH = """\
{%- set batch = it_var('rc_batch', 1) | int %}
select cast(v.id as integer) as id, cast(v.ts as integer) as ts, cast(v.val as varchar(8)) as val
from (values (1, 1, 'a'), (2, 1, 'b'), (3, {{ batch }}, 'c{{ batch }}'){{ ", (4, 2, 'd')" if batch == 2 }})
  as v (id, ts, val)
"""


@pytest.mark.parametrize(
    ("adapter", "fallback"), [("postgres", False), ("postgres", True), ("snowflake", False)]
)
def test_run_results_report_the_rows_written(
    adapter: str, fallback: bool, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    config = "materialized='pipeline_kit_merge', unique_key='id', merge_order_by='ts'"
    config += ", merge_force_fallback=true" if fallback else ""
    project = mini_project(
        adapter,
        adapter_targets,
        tmp_root,
        tmp_path,
        {"rc_orders.sql": f"{{{{ config({config}) }}}}\n" + BATCH},
    )
    for batch in (1, 2):  # the first as a full refresh: PostgreSQL cases share the session's schema
        result = project.run("run", *(["--full-refresh"] if batch == 1 else []), dbt_vars={"rc_batch": batch})
        assert result.ok, result.tail()
    _, run_results = artifacts(project)
    response = run_results["results"][0]["adapter_response"]
    # batch 2 rewrites key 3 and inserts key 4; keys 1 and 2 are unchanged
    if adapter == "postgres" and not fallback:
        assert (response["code"], response["rows_affected"]) == ("MERGE", 2), response
    elif adapter == "postgres":
        # the fallback's last write is its insert (the update before it counts 1)
        assert (response["code"], response["rows_affected"]) == ("INSERT", 1), response
    else:
        assert response["rows_affected"] == 2, response
        connection = duckdb.connect(fakesnow_database(project), read_only=True)
        try:
            left = connection.execute(
                "select table_name from information_schema.tables where lower(table_name) like '%__pk_%'"
            ).fetchall()
        finally:
            connection.close()
        assert left == [], left  # the transient scratch table was dropped after the write
