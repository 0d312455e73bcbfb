"""`scd2_integrity` groups versions by the key columns themselves, not by the keys' text.

The test encoded each key as text and grouped by that. Text and equality disagree in both
directions: on PostgreSQL an unconstrained `numeric` keeps each value's scale, so `1.0` and
`1.00` (one key by `=`) were two keys and two current rows of it went unreported; on Snowflake a
timestamp's text follows the session's output format (milliseconds by default), so keys a
microsecond apart were merged into one and reported as overlapping. fakesnow writes microseconds,
so the Snowflake direction cannot be reproduced there; the PostgreSQL case failed before the fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..dbt_harness import AdapterTarget, DbtProject
from ..quality.helpers import artifacts
from .mini_project import mini_project

pytestmark = pytest.mark.integration

TS = {"duckdb": "timestamp", "postgres": "timestamp", "snowflake": "timestamp_ntz"}

# keys a microsecond apart, and a composite key with a NULL, each with contiguous valid history
GOOD = """\
select cast(v.k as {ts}) as k, v.part, cast(v.vf as {ts}) as valid_from, cast(v.vt as {ts}) as valid_to,
  v.cur as is_current
from (values
  ('2024-01-01 00:00:00.000001', 'a', '2024-01-01', '2024-02-01', false),
  ('2024-01-01 00:00:00.000001', 'a', '2024-02-01', null, true),
  ('2024-01-01 00:00:00.000002', 'a', '2024-01-01', null, true),
  ('2024-01-01 00:00:00.000002', null, '2024-01-01', null, true)
) as v (k, part, vf, vt, cur)
"""

# PostgreSQL: 1.0 = 1.00, so this is one key with two current, overlapping versions
SAME_KEY_TWO_SCALES = """\
select v.id, cast(v.vf as timestamp) as valid_from, cast(null as timestamp) as valid_to, true as is_current
from (values (1.0::numeric, '2024-01-01'), (1.00::numeric, '2024-02-01')) as v (id, vf)
"""

SCHEMA_YML = """\
version: 2
models:
  - name: ik_good
    data_tests:
      - pipeline_kit.scd2_integrity:
          arguments:
            unique_key: [k, part]
{extra}"""

BAD_YML = """\
  - name: ik_scales
    data_tests:
      - pipeline_kit.scd2_integrity:
          arguments:
            unique_key: id
"""


def _statuses(project: DbtProject) -> dict[str, tuple[str, int | None]]:
    _, run_results = artifacts(project)
    return {
        item["unique_id"].split(".")[2]: (item["status"], item.get("failures"))
        for item in run_results["results"]
        if item["unique_id"].startswith("test.")
    }


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_integrity_groups_by_key_values(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    files = {"ik_good.sql": GOOD.format(ts=TS[adapter])}
    extra = ""
    if adapter == "postgres":
        files["ik_scales.sql"] = SAME_KEY_TWO_SCALES
        extra = BAD_YML
    files["schema.yml"] = SCHEMA_YML.format(extra=extra)
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, files)
    result = project.run("build")
    statuses = _statuses(project)
    good = [status for name, status in statuses.items() if "ik_good" in name]
    assert good == [("pass", 0)], f"{statuses}\n{result.tail()}"
    if adapter == "postgres":
        bad = [status for name, status in statuses.items() if "ik_scales" in name]
        # two rows: 'overlapping ranges' and 'more than one current row'
        assert bad == [("fail", 2)], f"{statuses}\n{result.tail()}"
        assert not result.ok
    else:
        assert result.ok, result.tail()
