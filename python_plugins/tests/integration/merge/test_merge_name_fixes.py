"""Column and table names pipeline_kit_merge mishandled (found in the 2026-12-07 review), each
loaded batch by batch; every test fails on the code before its fix:

- merge_lookback_filter wrote a plain ordering column unquoted: `merge_order_by='order'` (a
  reserved word) failed every incremental run with a syntax error;
- `merge_deleted_flag_column='is_deleted'` with soft deletes was refused as a managed column,
  though the flag is a control column (not stored) and the managed `is_deleted` is the merge's;
- columns whose names differ only by case (PostgreSQL: `"ID"` and `id`) were keyed by their
  lower-cased name: `unique_key='id'` could pick `"ID"` and a data column `"ID"` was never
  updated; a configured name now matches exactly first, then by case only when one column does;
- the scratch tables' names were cut at 30 characters: a multi-byte alias of 63 bytes made
  PostgreSQL truncate the batch table's name to the target's, and every incremental run failed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..dbt_harness import AdapterTarget, DbtProject
from ..scd.mini_project import mini_project
from .warehouse import as_multiset, query, read_table

pytestmark = pytest.mark.integration

ADAPTERS = ["duckdb", "postgres", "snowflake"]


def project_with(  # noqa: PLR0917
    adapter: str,
    adapter_targets: dict[str, AdapterTarget],
    tmp_root: Path,
    tmp_path: Path,
    model: str,
    text: str,
) -> DbtProject:
    return mini_project(adapter, adapter_targets, tmp_root, tmp_path, {f"{model}.sql": text})


def load(project: DbtProject, model: str, batches: int) -> None:
    """Run the model once per batch (it_var('nf_batch')), the first as a full refresh."""
    for batch in range(1, batches + 1):
        result = project.run(
            "run",
            "--select",
            model,
            *(["--full-refresh"] if batch == 1 else []),
            dbt_vars={"nf_batch": batch},
        )
        assert result.ok, f"{model} batch {batch} on {project.target.name}:\n{result.tail()}"


# -- 1. merge_lookback_filter with a reserved word as the ordering column ----------------------

LOOKBACK_ORDER = """\
{{ config(materialized='pipeline_kit_merge', unique_key='id', merge_order_by='order') }}
{%- set batch = it_var('nf_batch', 1) | int %}
select * from (
  select cast(1 as integer) as id, cast('a{{ batch }}' as varchar(8)) as val,
    cast({{ batch * 10 }} as integer) as "order"
  {%- if batch == 2 %}
  union all select cast(2 as integer), cast('late' as varchar(8)), cast(5 as integer)
  union all select cast(3 as integer), cast('in' as varchar(8)), cast(8 as integer)
  {%- endif %}
) as src
where {{ pipeline_kit.merge_lookback_filter(3, datepart=none) }}
"""


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_lookback_filter_with_a_reserved_word_column(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = project_with(adapter, adapter_targets, tmp_root, tmp_path, "nf_lb_order", LOOKBACK_ORDER)
    load(project, "nf_lb_order", 2)
    rows = read_table(project, "nf_lb_order")
    # window: order >= max(10) - 3; id 2 (5) is older than it and not read, id 3 (8) is
    assert as_multiset(rows, ["id", "val", "order"]) == [("1", "a2", "20"), ("3", "in", "8")]


# -- 2. a deleted flag named is_deleted with soft deletes --------------------------------------

FLAG_BATCHES = {
    1: [(1, "a", "false", 1), (2, "b", "false", 1)],
    2: [(1, "a", "true", 2), (2, "b2", "false", 2)],  # id 1 soft-deleted
    3: [(1, "a3", "false", 3)],  # id 1 revived
}

FLAG_MODEL = """\
{{{{ config(materialized='pipeline_kit_merge', unique_key='id', merge_order_by='ts',
    merge_deleted_flag_column='is_deleted', merge_delete_mode='soft', merge_force_fallback={fallback}) }}}}
{{%- set batch = it_var('nf_batch', 1) | int %}}
{batches}
"""


def flag_model(fallback: bool) -> str:
    parts = []
    for number, rows in FLAG_BATCHES.items():
        selects = "\nunion all ".join(
            f"select cast({i} as integer) as id, cast('{v}' as varchar(8)) as val, {d} as is_deleted,"
            f" cast({t} as integer) as ts"
            for i, v, d, t in rows
        )
        keyword = "if" if number == 1 else "elif"
        parts.append(f"{{% {keyword} batch == {number} %}}\n{selects}")
    return FLAG_MODEL.format(fallback=fallback, batches="\n".join(parts) + "\n{% endif %}")


@pytest.mark.parametrize(
    ("adapter", "fallback"),
    [("duckdb", False), ("postgres", False), ("postgres", True), ("snowflake", False)],
)
def test_a_deleted_flag_named_is_deleted_with_soft_deletes(
    adapter: str, fallback: bool, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    model = "nf_flag_fb" if fallback else "nf_flag"
    project = project_with(adapter, adapter_targets, tmp_root, tmp_path, model, flag_model(fallback))
    columns = ["id", "val", "ts", "is_deleted", "deleted_at"]
    expected = {
        1: [("1", "a", "1", "false", ""), ("2", "b", "1", "false", "")],
        2: [("1", "a", "2", "true", "2"), ("2", "b2", "2", "false", "")],
        3: [("1", "a3", "3", "false", ""), ("2", "b2", "2", "false", "")],
    }
    for batch in (1, 2, 3):
        result = project.run(
            "run",
            "--select",
            model,
            *(["--full-refresh"] if batch == 1 else []),
            dbt_vars={"nf_batch": batch},
        )
        assert result.ok, f"batch {batch} on {adapter}:\n{result.tail()}"
        rows = read_table(project, model)
        assert sorted(rows[0]) == sorted(columns), rows  # the flag is not stored beside the managed column
        assert as_multiset(rows, columns) == expected[batch], f"after batch {batch}"


# -- 3. columns whose names differ only by case -------------------------------------------------

CASE_MODEL = """\
{{{{ config(materialized='pipeline_kit_merge', unique_key={key!r}, merge_order_by='ts') }}}}
{{%- set batch = it_var('nf_batch', 1) | int %}}
{{% if batch == 1 %}}
select cast('x' as varchar(8)) as "ID", cast(1 as integer) as id, cast('a' as varchar(8)) as val,
  cast(1 as integer) as ts
union all select cast('x' as varchar(8)), cast(2 as integer), cast('b' as varchar(8)), cast(1 as integer)
{{% else %}}
select cast('CHANGED' as varchar(8)) as "ID", cast(1 as integer) as id,
  cast('a2' as varchar(8)) as val, cast(2 as integer) as ts
{{% endif %}}
"""


def test_columns_differing_only_by_case(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    files = {
        "nf_case.sql": CASE_MODEL.format(key="id"),
        "nf_case_amb.sql": CASE_MODEL.format(key="Id"),
    }
    project = mini_project("postgres", adapter_targets, tmp_root, tmp_path, files)
    load(project, "nf_case", 2)
    schema = project.target.schema
    _, rows = query(project, f'select id, "ID", val, ts from "{schema}"."nf_case" order by id')
    # keyed by id (not "ID", which would merge both rows into one); "ID" is data and updated
    assert rows == [(1, "CHANGED", "a2", 2), (2, "x", "b", 1)]
    result = project.run("run", "--select", "nf_case_amb", "--full-refresh", dbt_vars={"nf_batch": 1})
    assert not result.ok
    assert "`unique_key` matches several columns that differ only by case" in result.output, result.tail()
    assert "candidates: ID, id" in result.output, result.tail()


QUOTED_KEY_MODEL = """\
{{ config(materialized='pipeline_kit_merge', unique_key='"ID"', merge_order_by='ts') }}
{%- set batch = it_var('nf_batch', 1) | int %}
{% if batch == 1 %}
select cast(1 as integer) as "ID", cast(7 as integer) as id, cast(1 as integer) as ts
union all select cast(2 as integer), cast(7 as integer), cast(1 as integer)
{% else %}
select cast(1 as integer) as "ID", cast(8 as integer) as id, cast(2 as integer) as ts
{% endif %}
"""


def test_a_quoted_key_selects_exactly_that_column(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(
        "postgres", adapter_targets, tmp_root, tmp_path, {"nf_case_q.sql": QUOTED_KEY_MODEL}
    )
    load(project, "nf_case_q", 2)
    schema = project.target.schema
    _, rows = query(project, f'select "ID", id, ts from "{schema}"."nf_case_q" order by 1')
    assert rows == [(1, 8, 2), (2, 7, 1)]


@pytest.mark.parametrize("key", ["ID", '"id"', "id"])
def test_a_key_in_another_case_on_duckdb(
    key: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    """DuckDB's names are case-insensitive (no twins): a key in another case still finds its column."""
    model = f"""\
{{{{ config(materialized='pipeline_kit_merge', unique_key={key!r}, merge_order_by='ts') }}}}
select cast(v.id as integer) as id, cast(v.val as varchar(8)) as val, cast(v.ts as integer) as ts
from (values (1, 'a{{{{ it_var('nf_batch', 1) }}}}', {{{{ it_var('nf_batch', 1) }}}}), (2, 'b', 1))
  as v (id, val, ts)
"""
    project = mini_project("duckdb", adapter_targets, tmp_root, tmp_path, {"nf_case_d.sql": model})
    load(project, "nf_case_d", 2)
    assert as_multiset(read_table(project, "nf_case_d"), ["id", "val", "ts"]) == [
        ("1", "a2", "2"),
        ("2", "b", "1"),
    ]


# -- 4. a multi-byte model name ------------------------------------------------------------------

MULTIBYTE_ALIAS = "顧客注文履歴テーブル集計結果用一時保存領域"  # 21 characters, 63 bytes


def test_a_multibyte_alias_of_63_bytes(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    assert len(MULTIBYTE_ALIAS.encode("utf-8")) == 63
    model = (
        "{{ config(materialized='pipeline_kit_merge', unique_key='id', merge_order_by='ts',"
        f" alias='{MULTIBYTE_ALIAS}') }}}}\n"
        "select cast(1 as integer) as id, cast('a{{ it_var('nf_batch', 1) }}' as varchar(8)) as val,"
        " cast({{ it_var('nf_batch', 1) }} as integer) as ts\n"
    )
    project = mini_project("postgres", adapter_targets, tmp_root, tmp_path, {"nf_mb.sql": model})
    load(project, "nf_mb", 3)
    schema = project.target.schema
    _, rows = query(project, f'select id, val, ts from "{schema}"."{MULTIBYTE_ALIAS}"')
    assert rows == [(1, "a3", 3)]
