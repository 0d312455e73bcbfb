"""Quality tests on names that need quotes, each failing on the code before the fix:

- a relationship's `field` and a reconciliation's `compare_column` name a column of the parent /
  other relation: `field: '"ParentKey"'` (which dbt's own `relationships` accepts) and
  `compare_column: '"Line Total"'` were refused as no column name, a plain `field: ParentKey` was
  written unquoted (PostgreSQL: `column "parentkey" does not exist`), and a `sum` reconciliation
  on `column: Line Total` without `compare_column` was refused. The name is looked up in that
  relation's columns now, as the model's own columns are, and quoted;
- a `where:` config read the model's columns from dbt's subquery text by splitting the relation
  on every dot: a model aliased `Dotted.Name` lost its columns, and on PostgreSQL a plain
  `CustomerId` was then written unquoted (`column "customerid" does not exist`);
- `scd2_integrity` wrote `unique_key` unquoted: `Order ID` (which the scd materialization accepts,
  plain or double-quoted) was a syntax error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..dbt_harness import AdapterTarget, DbtProject
from ..scd.mini_project import mini_project
from .helpers import artifacts

pytestmark = pytest.mark.integration

PARENT = 'select 1 as "Parent Key", 10 as "Line Total"\nunion all select 2, 20\n'
CHILD = 'select 1 as id, 10 as "Line Total"\nunion all select 2, 20\n'
ORPHANS = 'select 1 as id, 10 as "Line Total"\nunion all select 3, 5\n'
# PostgreSQL keeps the case of a quoted name: "ParentKey" is not parentkey
PG_PARENT = 'select 1 as "ParentKey"\nunion all select 2\n'
PG_CHILD = 'select 1 as "ParentKey"\nunion all select 2\n'

SCHEMA = """\
version: 2
models:
  - name: qn_child
    columns:
      - name: id
        data_tests:
          - pipeline_kit.consistency_relationship:
              arguments: {to: ref('qn_parent'), field: Parent Key, rule_name: rel_plain}
          - pipeline_kit.consistency_relationship:
              arguments: {to: ref('qn_parent'), field: '"Parent Key"', rule_name: rel_quoted}
    data_tests:
      - pipeline_kit.consistency_reconciliation:
          arguments: {compare_to: ref('qn_parent'), measure: sum, column: Line Total, rule_name: rec_default}
      - pipeline_kit.consistency_reconciliation:
          arguments:
            {compare_to: ref('qn_parent'), measure: sum, column: id, compare_column: '"Parent Key"',
             rule_name: rec_quoted}
      - pipeline_kit.quality:
          arguments:
            dimensions:
              consistency:
                - {column: id, to: ref('qn_parent'), field: '"Parent Key"'}
                - {compare_to: ref('qn_parent'), measure: sum, column: Line Total}
                - {compare_to: ref('qn_parent'), measure: sum, column: id, compare_column: Parent Key}
  - name: qn_orphans
    columns:
      - name: id
        data_tests:
          - pipeline_kit.consistency_relationship:
              arguments: {to: ref('qn_parent'), field: '"Parent Key"', rule_name: rel_orphan}
    data_tests:
      - pipeline_kit.consistency_reconciliation:
          arguments: {compare_to: ref('qn_parent'), measure: sum, column: Line Total, rule_name: rec_off}
      - pipeline_kit.quality:
          arguments:
            dimensions:
              consistency: [{column: id, to: ref('qn_parent'), field: Parent Key}]
"""
PG_SCHEMA = """\
  - name: qn_pg_child
    columns:
      - name: ParentKey
        data_tests:
          - pipeline_kit.consistency_relationship:
              arguments: {to: ref('qn_pg_parent'), field: ParentKey, rule_name: pg_rel_plain}
          - pipeline_kit.consistency_relationship:
              arguments: {to: ref('qn_pg_parent'), field: '"ParentKey"', rule_name: pg_rel_quoted}
    data_tests:
      - pipeline_kit.consistency_reconciliation:
          arguments: {compare_to: ref('qn_pg_parent'), measure: sum, column: ParentKey, rule_name: pg_rec}
      - pipeline_kit.quality:
          arguments:
            dimensions:
              consistency:
                - {column: ParentKey, to: ref('qn_pg_parent'), field: ParentKey}
                - {compare_to: ref('qn_pg_parent'), measure: sum, column: ParentKey}
"""

WHERE_DOT = (
    "{{ config(alias='Dotted.Name') }}\nselect 1 as \"CustomerId\", 5 as amount\nunion all select null, -1\n"
)
WHERE_SCHEMA = """\
version: 2
models:
  - name: qn_where
    columns:
      - name: CustomerId
        data_tests:
          - pipeline_kit.completeness_null_ratio:
              arguments: {rule_name: where_positive}
              config: {where: "amount > 0"}
          - pipeline_kit.completeness_null_ratio:
              arguments: {rule_name: where_all}
"""

SCD2 = """\
select * from (values
  (1, cast('2024-01-01' as timestamp), cast('2024-02-01' as timestamp), false),
  (1, cast('2024-02-01' as timestamp), cast(null as timestamp), true),
  (2, cast('2024-01-01' as timestamp), cast(null as timestamp), true),
  (2, cast('2024-01-05' as timestamp), cast(null as timestamp), true)
) as v ("Order ID", valid_from, valid_to, is_current)
"""
SCD2_SCHEMA = """\
version: 2
models:
  - name: qn_scd2
    data_tests:
      - pipeline_kit.scd2_integrity:
          arguments: {unique_key: Order ID}
          config: {alias: scd2_plain}
      - pipeline_kit.scd2_integrity:
          arguments: {unique_key: ['"Order ID"']}
          config: {alias: scd2_quoted}
"""


def _statuses(project: DbtProject) -> dict[str, tuple[str, str]]:
    """Each test of the last run by its `rule_name` (`quality`: quality:<model>) -> (status, message)."""
    manifest, run_results = artifacts(project)
    found = {}
    for item in run_results["results"]:
        node = manifest["nodes"][item["unique_id"]]
        meta = node.get("test_metadata") or {}
        if meta:
            name = meta["kwargs"].get("rule_name")
            if not name:
                model = (node.get("attached_node") or "").rsplit(".", 1)[-1]
                name = f"{meta['name']}:{model}" if meta["name"] != "scd2_integrity" else node["alias"]
            found[name] = (item["status"], item.get("message") or "")
    return found


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_parent_and_compared_columns_needing_quotes(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    files = {"qn_parent.sql": PARENT, "qn_child.sql": CHILD, "qn_orphans.sql": ORPHANS, "schema.yml": SCHEMA}
    if adapter == "postgres":
        files.update({"qn_pg_parent.sql": PG_PARENT, "qn_pg_child.sql": PG_CHILD})
        files["schema.yml"] += PG_SCHEMA
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, files)
    result = project.run("build")
    found = _statuses(project)
    passing = ["rel_plain", "rel_quoted", "rec_default", "rec_quoted", "quality:qn_child"]
    failing = ["rel_orphan", "rec_off", "quality:qn_orphans"]
    if adapter == "postgres":
        passing += ["pg_rel_plain", "pg_rel_quoted", "pg_rec", "quality:qn_pg_child"]
    for name in passing:
        assert found.get(name, ("missing", ""))[0] == "pass", f"{name}: {found}\n{result.tail()}"
    # the parent's column is really read: an orphan and a different sum fail (not an error)
    for name in failing:
        assert found.get(name, ("missing", ""))[0] == "fail", f"{name}: {found}\n{result.tail()}"


@pytest.mark.parametrize("adapter", ["duckdb", "postgres"])
def test_where_on_a_relation_named_with_a_dot(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    files = {"qn_where.sql": WHERE_DOT, "schema.yml": WHERE_SCHEMA}
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, files)
    result = project.run("build")
    found = _statuses(project)
    # the NULL row has amount -1: filtered out by the `where`, counted without it
    assert found.get("where_positive", ("missing", ""))[0] == "pass", f"{found}\n{result.tail()}"
    assert found.get("where_all", ("missing", ""))[0] == "fail", f"{found}\n{result.tail()}"


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_scd2_integrity_on_a_key_needing_quotes(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    files = {"qn_scd2.sql": SCD2, "schema.yml": SCD2_SCHEMA}
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, files)
    result = project.run("build")
    found = _statuses(project)
    # key 2 has two current rows: a finding, not a syntax error, for either spelling
    for name in ["scd2_plain", "scd2_quoted"]:
        status, message = found.get(name, ("missing", ""))
        assert status == "fail" and "syntax" not in message.lower(), f"{name}: {found}\n{result.tail()}"
