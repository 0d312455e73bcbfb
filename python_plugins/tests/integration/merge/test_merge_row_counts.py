"""dbt reports the merge's own row count (`MERGE 2` in the log line and in run_results.json).

The write used to share its call with the scratch tables' drops, which came last, so dbt reported
`DROP TABLE` and -1 rows on PostgreSQL (dbt's incremental reports `MERGE n`) and the drop's result
on Snowflake. The write is now the call's last statement: on PostgreSQL the scratch tables go with
the commit (on commit drop), on Snowflake in a statement after it. Only written rows count: an
unchanged row of the batch is not rewritten. DuckDB's adapter reports no counts for any model.
Found in the 2026-12-07 review; fails on the code before the fix on both adapters.

The fallback (PostgreSQL < 15, or merge_force_fallback) writes with an update and an insert (and a
delete with CDC deletes); sent as one call, dbt reported only the insert's count (`INSERT 0 1` of
2 rows written). Each now goes in a call of its own and the reported count is their sum.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ..dbt_harness import AdapterTarget
from ..quality.helpers import artifacts
from ..scd.mini_project import mini_project, run_batches
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
    run_batches(project, "rc_batch")
    _, run_results = artifacts(project)
    response = run_results["results"][0]["adapter_response"]
    # batch 2 rewrites key 3 and inserts key 4; keys 1 and 2 are unchanged
    if adapter == "postgres" and not fallback:
        assert (response["code"], response["rows_affected"]) == ("MERGE", 2), response
    elif adapter == "postgres":
        # the fallback's update (key 3) and insert (key 4), each in a call of its own, add up
        assert (response["code"], response["rows_affected"]) == ("UPDATE+INSERT", 2), response
        assert response["_message"] == "UPDATE 1, INSERT 0 1", response
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


CDC_BATCH = """\
{{ config(materialized='pipeline_kit_merge', unique_key='id', merge_order_by='ts', merge_op_column='op',
          merge_force_fallback=true) }}
{%- set batch = it_var('rc_batch', 1) | int %}
select cast(v.id as integer) as id, cast(v.ts as integer) as ts, cast(v.val as varchar(8)) as val,
  cast(v.op as varchar(1)) as op
from (values (1, {{ batch }}, 'a', '{{ "D" if batch == 2 else "U" }}'), (2, 1, 'b', 'U'),
  (3, {{ batch }}, 'c{{ batch }}', 'U'){{ ", (4, 2, 'd', 'I')" if batch == 2 }}) as v (id, ts, val, op)
"""


def test_the_fallback_reports_its_deletes_updates_and_inserts(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project("postgres", adapter_targets, tmp_root, tmp_path, {"rc_cdc.sql": CDC_BATCH})
    run_batches(project, "rc_batch")
    _, run_results = artifacts(project)
    response = run_results["results"][0]["adapter_response"]
    # batch 2: key 1 deleted, key 3 rewritten, key 4 inserted
    assert (response["code"], response["rows_affected"]) == ("DELETE+UPDATE+INSERT", 3), response
    assert response["_message"] == "DELETE 1, UPDATE 1, INSERT 0 1", response
