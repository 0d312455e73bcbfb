"""SCD defects found in review, each on every adapter, in a small project of its own models
(see mini_project.py):

- `open_end` changed between loads: the stored open rows are the ones flagged is_current, whatever
  end they were written with. Before, NULL -> '9999-12-31' left the old open row (NULL) beside
  the new version (two current rows), and '9999-12-31' -> NULL read the stored 9999 as a real end.
- a model switched from a view to `scd`: the view is retired under a backup name of its own type.
  Before, PostgreSQL failed dropping "<model>__dbt_backup" as a table and left the view behind.
- `pipeline_kit.scd_loaded()` in dbt unit tests (`this` is no relation there): false, and the
  override `pipeline_kit.scd_loaded: true` is honoured. Before: "'None' has no attribute 'database'".
- SCD3 attributes whose names need quoting (`Seg Ment`): the derived previous-value and changed-at
  columns are quoted. Before: a SQL parse error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..dbt_harness import AdapterTarget, DbtProject
from ..merge.warehouse import as_multiset, read_table
from .mini_project import mini_project

pytestmark = pytest.mark.integration

ADAPTERS = ["duckdb", "postgres", "snowflake"]
JAN, FEB, MAR = "2024-01-01 00:00:00", "2024-02-01 00:00:00", "2024-03-01 00:00:00"
OPEN = "9999-12-31 00:00:00"

OPEN_END_MODEL = """\
{{ config(materialized='scd', scd_type=2, unique_key='id', updated_at='updated_at',
          open_end=it_var('rf_open_end')) }}
{%- set batch = it_var('rf_batch', 1) | int %}
select cast(v.id as integer) as id, cast(v.name as varchar(20)) as name,
  cast(v.updated_at as timestamp) as updated_at
from (
  values
{%- if batch == 1 %}
  (1, 'a', '2024-01-01 00:00:00'), (2, 'b', '2024-01-01 00:00:00')
{%- elif batch == 2 %}
  (1, 'a2', '2024-02-01 00:00:00')
{%- else %}
  (1, 'a3', '2024-03-01 00:00:00'), (2, 'b3', '2024-03-01 00:00:00')
{%- endif %}
) as v (id, name, updated_at)
"""


def _run(project: DbtProject, *args: str, **dbt_vars: object) -> None:
    result = project.run(*args, dbt_vars=dict(dbt_vars))
    assert result.ok, f"{args} {dbt_vars} on {project.target.name}:\n{result.tail()}"


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_open_end_changed_between_loads_keeps_one_current_row(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, {"rf_open_end.sql": OPEN_END_MODEL})
    columns = ["id", "name", "valid_from", "valid_to", "is_current"]
    _run(project, "run", "--full-refresh", rf_batch=1, rf_open_end=None)

    # NULL -> 9999-12-31: key 1's open row (valid_to NULL) is closed; key 2 is untouched and
    # keeps its NULL end (rows are written with the new end from now on)
    _run(project, "run", rf_batch=2, rf_open_end="9999-12-31")
    assert as_multiset(read_table(project, "rf_open_end"), columns) == sorted(
        [
            ("1", "a", JAN, FEB, "false"),
            ("1", "a2", FEB, OPEN, "true"),
            ("2", "b", JAN, "", "true"),
        ]
    )

    # 9999-12-31 -> NULL: key 1's stored 9999 end is its open row, not a delete; key 2's NULL too
    _run(project, "run", rf_batch=3, rf_open_end=None)
    expected = sorted(
        [
            ("1", "a", JAN, FEB, "false"),
            ("1", "a2", FEB, MAR, "false"),
            ("1", "a3", MAR, "", "true"),
            ("2", "b", JAN, MAR, "false"),
            ("2", "b3", MAR, "", "true"),
        ]
    )
    assert as_multiset(read_table(project, "rf_open_end"), columns) == expected
    # the same batch again changes nothing
    _run(project, "run", rf_batch=3, rf_open_end=None)
    assert as_multiset(read_table(project, "rf_open_end"), columns) == expected


VIEW_SWITCH_MODEL = """\
{{ config(materialized=it_var('rf_materialized', 'view'), scd_type=2, unique_key='id',
          updated_at='updated_at') }}
select cast(1 as integer) as id, cast('a' as varchar(20)) as name,
  cast('2024-01-01 00:00:00' as timestamp) as updated_at
"""


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_view_switched_to_scd_builds_and_rebuilds(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    files = {"rf_view_switch.sql": VIEW_SWITCH_MODEL}
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, files)
    _run(project, "run", rf_materialized="view")
    _run(project, "run", rf_materialized="scd")
    # nothing left behind that breaks the next rebuild
    _run(project, "run", "--full-refresh", rf_materialized="scd")
    rows = as_multiset(read_table(project, "rf_view_switch"), ["id", "name", "valid_from", "is_current"])
    assert rows == [("1", "a", JAN, "true")]


LOADED_SOURCE = """\
select cast(1 as integer) as id, cast('old' as varchar(20)) as name,
  cast('2024-01-01 00:00:00' as timestamp) as updated_at
"""
LOADED_MODEL = """\
{{ config(materialized='scd', scd_type=2, unique_key='id', updated_at='updated_at') }}
select id, name, updated_at from {{ ref('rf_loaded_src') }}
{%- if pipeline_kit.scd_loaded() %}
where name <> 'old'
{%- endif %}
"""
LOADED_UNIT_TESTS = """\
unit_tests:
  - name: rf_loaded_first_build
    model: rf_loaded
    given:
      - input: ref('rf_loaded_src')
        rows:
          - {id: 1, name: old, updated_at: '2024-01-01 00:00:00'}
          - {id: 2, name: new, updated_at: '2024-02-01 00:00:00'}
    expect:
      rows:
        - {id: 1, name: old}
        - {id: 2, name: new}
  - name: rf_loaded_overridden
    model: rf_loaded
    overrides:
      macros:
        pipeline_kit.scd_loaded: true
    given:
      - input: ref('rf_loaded_src')
        rows:
          - {id: 1, name: old, updated_at: '2024-01-01 00:00:00'}
          - {id: 2, name: new, updated_at: '2024-02-01 00:00:00'}
    expect:
      rows:
        - {id: 2, name: new}
"""


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_scd_loaded_in_unit_tests(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    files = {
        "rf_loaded_src.sql": LOADED_SOURCE,
        "rf_loaded.sql": LOADED_MODEL,
        "rf_loaded.yml": LOADED_UNIT_TESTS,
    }
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, files)
    _run(project, "run", "--select", "rf_loaded_src")
    if adapter == "snowflake":
        # fakesnow cannot run a unit test (its input is a schema-qualified temporary table, which
        # the emulator rejects: 'TEMPORARY table names can *only* use the "temp" catalog'); the
        # unit tests' SQL is compiled, which is where scd_loaded failed
        result = project.run("compile", "--select", "rf_loaded,test_type:unit")
        assert result.ok, f"unit tests compiled on {adapter}:\n{result.tail()}"
        return
    result = project.run("test", "--select", "rf_loaded,test_type:unit")
    assert result.ok, f"unit tests on {adapter}:\n{result.tail()}"
    assert "PASS=2" in result.output, result.tail()


SCD3_QUOTED_MODEL = """\
{{ config(materialized='scd', scd_type=3, unique_key='id', updated_at='updated_at',
          scd3_columns=['Seg Ment']) }}
{%- set batch = it_var('rf_batch', 1) | int %}
select cast(v.id as integer) as id, cast(v.seg as varchar(20)) as "Seg Ment",
  cast(v.updated_at as timestamp) as updated_at
from (
  values
{%- if batch == 1 %}
  (1, 'x', '2024-01-01 00:00:00'), (2, 'y', '2024-01-01 00:00:00')
{%- else %}
  (1, 'z', '2024-02-01 00:00:00')
{%- endif %}
) as v (id, seg, updated_at)
"""


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_scd3_attribute_name_that_needs_quoting(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    files = {"rf_scd3_quoted.sql": SCD3_QUOTED_MODEL}
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, files)
    columns = ["id", "seg ment", "previous_seg ment", "seg ment_changed_at"]
    columns += ["first_seen_at", "last_changed_at"]
    _run(project, "run", "--full-refresh", rf_batch=1)
    _run(project, "run", rf_batch=2)
    expected = sorted([("1", "z", "x", FEB, JAN, FEB), ("2", "y", "", "", JAN, JAN)])
    assert as_multiset(read_table(project, "rf_scd3_quoted"), columns) == expected
    # the same batch again changes nothing; a rebuild gives the same table
    _run(project, "run", rf_batch=2)
    assert as_multiset(read_table(project, "rf_scd3_quoted"), columns) == expected
