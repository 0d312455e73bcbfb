"""deduplicate defects found in review, on every adapter, in a small project of its own models
(see scd/mini_project.py):

- without column metadata (a dbt unit test, where ref() is a CTE `__dbt__cte__<name>`; `dbt
  compile` or `docs generate` before the upstream table exists) ties fall back to the row's text
  instead of failing with "`relation` has no columns or does not exist". A run against a relation
  that really is missing still fails with that message.
- a comma-separated `order_by` string ('updated_at desc, v', the dbt_utils form) gets `nulls last`
  on each item (before: only on the last one, so PostgreSQL and Snowflake put a NULL updated_at
  first and kept another row than DuckDB). Commas inside parentheses or quotes do not split.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..dbt_harness import AdapterTarget
from ..merge.warehouse import as_multiset, read_table
from ..scd.mini_project import mini_project

pytestmark = pytest.mark.integration

ADAPTERS = ["duckdb", "postgres", "snowflake"]

SOURCE = """\
select cast(v.id as integer) as id, cast(v.updated_at as timestamp) as updated_at, cast(v.v as integer) as v,
  cast(v.s as varchar(10)) as s
from (
  values
  (1, null, 1, 'a,b'), (1, '2024-01-01 00:00:00', 2, 'c'),
  (2, '2024-01-02 00:00:00', 5, 'a,b'), (2, '2024-01-02 00:00:00', 3, 'c')
) as v (id, updated_at, v, s)
"""
MODELS = {
    "rf_dd_src.sql": SOURCE,
    "rf_dd.sql": "{{ pipeline_kit.deduplicate(ref('rf_dd_src'), 'id', 'updated_at desc') }}\n",
    "rf_dd_comma.sql": "{{ pipeline_kit.deduplicate(ref('rf_dd_src'), 'id', 'updated_at desc, v') }}\n",
    # commas inside parentheses and quotes are not item separators
    "rf_dd_nested.sql": (
        "{{ pipeline_kit.deduplicate(ref('rf_dd_src'), 'id',"
        ' "coalesce(updated_at, cast(null as timestamp)) desc,'
        " case when s = 'a,b' then 1 else 0 end, v\") }}\n"
    ),
}
UNIT_TESTS = """\
unit_tests:
  - name: rf_dd_unit
    model: rf_dd
    given:
      - input: ref('rf_dd_src')
        rows:
          - {id: 1, updated_at: '2024-01-01 00:00:00', v: 1, s: a}
          - {id: 1, updated_at: '2024-01-02 00:00:00', v: 2, s: b}
    expect:
      rows:
        - {id: 1, v: 2}
"""


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_deduplicate_without_column_metadata(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, {**MODELS, "rf_dd.yml": UNIT_TESTS})
    # before the upstream table exists
    compiled = project.run("compile", "--select", "rf_dd")
    assert compiled.ok, f"compile before the upstream exists on {adapter}:\n{compiled.tail()}"
    # a run against the missing relation keeps the clear error (fakesnow's describe of a missing
    # table fails on its own, where Snowflake's gives dbt no columns)
    missing = project.run("run", "--select", "rf_dd")
    message = "does not exist" if adapter == "snowflake" else "`relation` has no columns or does not exist"
    assert not missing.ok and message in missing.output, missing.tail()
    built = project.run("run", "--select", "rf_dd_src")
    assert built.ok, built.tail()
    if adapter == "snowflake":
        # fakesnow cannot run a unit test (its input is a schema-qualified temporary table, which
        # the emulator rejects: 'TEMPORARY table names can *only* use the "temp" catalog'); the
        # unit test's SQL is compiled, which is where deduplicate failed
        unit = project.run("compile", "--select", "rf_dd,test_type:unit")
        assert unit.ok, f"unit test compiled on {adapter}:\n{unit.tail()}"
    else:
        unit = project.run("test", "--select", "rf_dd,test_type:unit")
        assert unit.ok and "PASS=1" in unit.output, f"unit test on {adapter}:\n{unit.tail()}"


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_comma_separated_order_by_puts_nulls_last_in_every_item(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, MODELS)
    result = project.run("run", "--select", "rf_dd_src", "rf_dd_comma", "rf_dd_nested")
    assert result.ok, f"dbt run on {adapter}:\n{result.tail()}"
    # key 1: the NULL updated_at sorts last (v=2 kept); key 2: a tie on updated_at, the smaller v
    assert as_multiset(read_table(project, "rf_dd_comma"), ["id", "v"]) == [("1", "2"), ("2", "3")]
    # key 2: s = 'c' before 'a,b' (0 before 1)
    assert as_multiset(read_table(project, "rf_dd_nested"), ["id", "v"]) == [("1", "2"), ("2", "3")]
