"""Snowflake: a full refresh of an existing `pipeline_kit_merge` or `scd` table is one
`ALTER TABLE … SWAP WITH`, not two renames.

On Snowflake every DDL statement commits on its own. With two renames (target to backup, rebuilt
table to target) a failure of the second left no target, and the next run started the table
afresh from one batch: a merge model lost its history. SWAP WITH exchanges the two tables in one
statement (Snowflake's ALTER TABLE reference), so the target is always the old table or the new one.

fakesnow has no SWAP WITH (its parser stops at "SWAP"), so the integration projects set
`pipeline_kit_snowflake_swap: false` and the emulator swaps by renames. This test turns the var
on, on fakesnow, and checks what can be checked there:
- each model's full refresh sends `alter table <target> swap with <rebuilt table>` and fails on
  that statement, i.e. nothing before the swap touched the target;
- the targets keep their rows;
- a full refresh with the var off then succeeds (the leftover rebuilt tables are replaced);
- a var that is not a boolean is a named error.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .dbt_harness import AdapterTarget, DbtProject
from .quality.helpers import show
from .scd.mini_project import mini_project

pytestmark = pytest.mark.integration

BATCH = """\
select v.id, cast(v.updated_at as timestamp_ntz) as updated_at, v.amount
from (values (1, '2024-01-01', 10), (2, '2024-01-01', 20), (3, '2024-01-02', 30))
  as v (id, updated_at, amount)
{{ 'where v.id < 3' if it_var('sw_rebuilt_smaller', false) else '' }}
"""

FILES = {
    "sw_merge.sql": "{{ config(materialized='pipeline_kit_merge', unique_key='id',"
    " merge_order_by='updated_at') }}\n" + BATCH,
    "sw_scd.sql": "{{ config(materialized='scd', scd_type=2, unique_key='id', updated_at='updated_at') }}\n"
    + BATCH,
}


def _ids(project: DbtProject, model: str) -> list[int]:
    return sorted(int(row["id"]) for row in show(project, f"select id from {{{{ ref('{model}') }}}}"))


def test_full_refresh_swaps_in_one_statement(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project("snowflake", adapter_targets, tmp_root, tmp_path, FILES)
    first = project.run("run")
    assert first.ok, first.tail()
    assert _ids(project, "sw_merge") == [1, 2, 3] and _ids(project, "sw_scd") == [1, 2, 3]

    # the var on: the rebuilt tables (two rows each) are swapped in by SWAP WITH, which fakesnow rejects
    swapped = project.run(
        "run", "--full-refresh", dbt_vars={"pipeline_kit_snowflake_swap": True, "sw_rebuilt_smaller": True}
    )
    assert not swapped.ok, "fakesnow has no SWAP WITH: the full refresh cannot succeed here"
    assert swapped.output.count('syntax error at or near "SWAP"') == 2, swapped.tail()
    log = (project.target.workdir / "logs" / "dbt.log").read_text()
    for model in ("sw_merge", "sw_scd"):
        sent = re.findall(
            rf'alter table "?\w+"?\."?\w+"?\."?{model}"? swap with "?\w+"?\."?\w+"?\."?(\w+?)"?\s', log, re.I
        )
        assert sent, f"no SWAP WITH sent for {model}"
        assert sent[-1].lower() == f"{model}__dbt_tmp", sent
    # the failed swap left both targets as they were
    assert _ids(project, "sw_merge") == [1, 2, 3] and _ids(project, "sw_scd") == [1, 2, 3]

    # the emulator's way (renames) after a failed swap: the leftover rebuilt tables are replaced
    renamed = project.run("run", "--full-refresh", dbt_vars={"sw_rebuilt_smaller": True})
    assert renamed.ok, renamed.tail()
    assert _ids(project, "sw_merge") == [1, 2] and _ids(project, "sw_scd") == [1, 2]

    bad = project.run(
        "run", "--full-refresh", "--select", "sw_merge", dbt_vars={"pipeline_kit_snowflake_swap": "yes"}
    )
    assert not bad.ok
    assert (
        "pipeline_kit.pipeline_kit_merge: sw_merge: var `pipeline_kit_snowflake_swap`"
        " must be true or false (got yes)" in bad.output
    ), bad.tail()
    assert _ids(project, "sw_merge") == [1, 2]
