"""A full refresh of an existing table whose name is long in bytes, not in characters.

dbt names the rebuilt table `<name>__dbt_tmp` and the old one `<name>__dbt_backup`, cutting the
name by characters to stay within PostgreSQL's 63; the server cuts by bytes. For a 60-byte name of
20 three-byte characters neither was cut by dbt, and PostgreSQL cut both to `<name>__d`: every
full refresh of an existing `pipeline_kit_merge` or `scd` table failed with "relation ... already
exists" (the target itself stayed intact: the run rolled back). The names are now cut by bytes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .dbt_harness import AdapterTarget
from .merge.warehouse import query
from .scd.mini_project import mini_project

pytestmark = pytest.mark.integration

ALIAS = "顧客注文履歴テーブル集計結果用一時保存領"  # 20 characters, 60 bytes

CONFIGS = {
    "merge": "materialized='pipeline_kit_merge', unique_key='id', merge_order_by='ts'",
    "scd": "materialized='scd', scd_type=2, unique_key='id', updated_at='ts'",
}


@pytest.mark.parametrize("kind", sorted(CONFIGS))
def test_a_full_refresh_of_a_60_byte_name(
    kind: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    assert len(ALIAS.encode("utf-8")) == 60
    model = (
        f"{{{{ config({CONFIGS[kind]}, alias='{ALIAS}') }}}}\n"
        "select cast(1 as integer) as id, cast('a{{ it_var('rb_batch', 1) }}' as varchar(8)) as val,"
        " cast('2024-01-0{{ it_var('rb_batch', 1) }}' as timestamp) as ts\n"
    )
    project = mini_project("postgres", adapter_targets, tmp_root, tmp_path, {"rb_model.sql": model})
    for batch in (1, 2, 3):  # the second and third replace an existing table
        result = project.run("run", "--full-refresh", dbt_vars={"rb_batch": batch})
        assert result.ok, f"full refresh {batch}:\n{result.tail()}"
    schema = project.target.schema
    _, rows = query(project, f'select id, val from "{schema}"."{ALIAS}"')
    assert rows == [(1, "a3")]
    # no intermediate or backup table is left beside it
    _, tables = query(
        project,
        "select table_name from information_schema.tables where table_schema = %s and table_name like %s",
        (schema, ALIAS[:5] + "%"),
    )
    assert tables == [(ALIAS,)], tables
