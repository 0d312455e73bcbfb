"""deduplicate and date_spine defects found in the 2026-12-07 review, each failing on the code
before the fix, in a small project of the test's own models (see scd/mini_project.py):

- an `order_by` item holding a list literal (`[v, 0] desc` on DuckDB, `array[v, 0] desc` on
  PostgreSQL, the usual way to order version numbers) was split at the comma inside the brackets
  ("syntax error at or near nulls"); only parentheses and quotes were tracked;
- `columns='s'` (a string, as `partition_by` takes) was iterated letter by letter ("column n not
  found"); it is one column now;
- on PostgreSQL a `json[]` column (no ordering operator) failed every deduplicate of the relation,
  and a pipeline_kit_merge whose batch carried one (its tie breaker); arrays are ordered and
  compared by their text form, as json is;
- a date_spine started at a datetime with a fraction of a second had its first row at the whole
  second, before `start_date`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..dbt_harness import AdapterTarget
from ..merge.warehouse import as_multiset, read_table
from ..scd.mini_project import mini_project

pytestmark = pytest.mark.integration

SOURCE = """\
select cast(v.id as integer) as id, cast(v.v as integer) as v, cast(v.s as varchar(10)) as s
from (values (1, 1, 'b'), (1, 3, 'a'), (2, 2, 'z'), (2, 2, 'y')) as v (id, v, s)
"""
LIST_LITERAL = {"duckdb": "[v, 0]", "postgres": "array[v, 0]"}


def _models(adapter: str) -> dict[str, str]:
    models = {
        "br_src.sql": SOURCE,
        # key 2 ties on v: `columns='s'` orders the tie by s, so 'y' is kept
        "br_columns.sql": (
            "with rows_in as (select * from {{ ref('br_src') }})\n"
            "{{ pipeline_kit.deduplicate('rows_in', 'id', 'v desc', columns='s') }}\n"
        ),
        # every row at or after the start (the old code's first row was 00:00:00, before it)
        "br_spine.sql": (
            "select count(*) as hours, sum(case when date_hour > cast('2024-01-01 00:00:00' as timestamp)"
            " and date_hour < cast('2024-01-01 00:00:01' as timestamp) then 1 else 0 end) as first_after\n"
            "from ({{ pipeline_kit.date_spine('hour', modules.datetime.datetime(2024, 1, 1, 0, 0, 0, 500000),"
            " modules.datetime.datetime(2024, 1, 1, 2, 0, 0)) }}) as spine\n"
        ),
    }
    if adapter in LIST_LITERAL:
        models["br_list.sql"] = (
            f"{{{{ pipeline_kit.deduplicate(ref('br_src'), 'id', '{LIST_LITERAL[adapter]} desc') }}}}\n"
        )
    return models


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_brackets_columns_and_fractional_spine(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    models = _models(adapter)
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, models)
    result = project.run("run", "--select", *(name.removesuffix(".sql") for name in models))
    assert result.ok, f"dbt run on {adapter}:\n{result.tail()}"
    kept = as_multiset(read_table(project, "br_columns"), ["id", "v", "s"])
    assert kept == [("1", "3", "a"), ("2", "2", "y")]
    if "br_list.sql" in models:
        assert as_multiset(read_table(project, "br_list"), ["id", "v"]) == [("1", "3"), ("2", "2")]
    assert as_multiset(read_table(project, "br_spine"), ["hours", "first_after"]) == [("2", "1")]


JSON_ARRAY_SOURCE = """\
select 1 as id, 1 as seq, array['{"a": 1}'::json] as tags
union all select 1, 1, array['{"a": 0}'::json]
union all select 2, 1, null::json[]
"""
JSON_ARRAY_MERGE = """\
{{ config(materialized='pipeline_kit_merge', unique_key='id', merge_order_by='seq') }}
select * from {{ ref('ja_src') }}
"""


def test_json_array_columns_on_postgres(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    models = {
        "ja_src.sql": JSON_ARRAY_SOURCE,
        "ja_dedup.sql": "{{ pipeline_kit.deduplicate(ref('ja_src'), 'id', 'seq desc') }}\n",
        "ja_merge.sql": JSON_ARRAY_MERGE,
    }
    project = mini_project("postgres", adapter_targets, tmp_root, tmp_path, models)
    for args in (["--full-refresh"], [], []):
        result = project.run("run", "--select", "ja_src", "ja_dedup", "ja_merge", *args)
        assert result.ok, f"dbt run {args}:\n{result.tail()}"
    # key 1 ties on seq: the smaller text form, {"a": 0}, is kept by both
    for table in ("ja_dedup", "ja_merge"):
        rows = {row["id"]: str(row["tags"]) for row in read_table(project, table)}
        assert sorted(rows) == ["1", "2"] and "0" in rows["1"], (table, rows)
