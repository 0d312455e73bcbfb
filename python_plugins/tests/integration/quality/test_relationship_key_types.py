"""A relationship from a number column to a text parent key counts each child row once.

DuckDB and Snowflake compare a text with a number by casting the text, so the parent texts '1'
and '01' both matched the child value 1: the join doubled those rows, and the relationship's ratio
(1 orphan of 5 rows instead of 3) passed a 0.25 threshold it fails. In the single-scan `quality`
test every rule reads the joined rows, so `unique(v)` saw two duplicates that are not there. A text
parent key of such a column is now cast to the child's type before the distinct (try_cast, so a
text that is no number, 'abc', matches nothing instead of failing the test). Found in the
2026-12-07 review; the numbers below fail on the code before the fix on both adapters.
PostgreSQL compares no integer with text (an error, as in dbt's own `relationships`): no case there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..dbt_harness import AdapterTarget
from ..scd.mini_project import mini_project
from .helpers import artifacts, show

pytestmark = pytest.mark.integration

ORDERS = "select v.id, v.v from (values (1, 10), (1, 11), (3, 12)) as v (id, v)\n"
PARENTS = "select cast(v.code as varchar) as code from (values ('1'), ('01'), ('2')) as v (code)\n"
DIRTY_PARENTS = "select cast(v.code as varchar) as code from (values ('1'), ('01'), ('abc')) as v (code)\n"

SCHEMA = """\
version: 2
models:
  - name: kt_orders
    columns:
      - name: id
        data_tests:
          - pipeline_kit.consistency_relationship:
              arguments: {to: ref('kt_parents'), field: code, max_failure_ratio: 0.25}
          - pipeline_kit.consistency_relationship:
              arguments: {to: ref('kt_dirty_parents'), field: code, max_failure_ratio: 0.25}
    data_tests:
      - pipeline_kit.quality:
          arguments:
            dimensions:
              validity: [{column: v, unique: true}]
              consistency: [{column: id, to: ref('kt_parents'), field: code, max_failure_ratio: 0.5}]
"""


@pytest.mark.parametrize("adapter", ["duckdb", "snowflake"])
def test_text_parent_keys_equal_as_numbers_count_once(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    files = {
        "kt_orders.sql": ORDERS,
        "kt_parents.sql": PARENTS,
        "kt_dirty_parents.sql": DIRTY_PARENTS,
        "schema.yml": SCHEMA,
    }
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, files)
    built = project.run("build")
    manifest, run_results = artifacts(project)
    status = {}
    for item in run_results["results"]:
        node = manifest["nodes"][item["unique_id"]]
        if node["resource_type"] == "test":
            status[(node["test_metadata"]["name"], str(node["test_metadata"]["kwargs"].get("to")))] = item[
                "status"
            ]
    # one orphan (3) of three rows: over 0.25
    assert status[("consistency_relationship", "ref('kt_parents')")] == "fail", (status, built.tail())
    assert status[("consistency_relationship", "ref('kt_dirty_parents')")] == "fail", status
    # the single scan: no duplicate v, one orphan of three, within 0.5
    assert status[("quality", "None")] == "pass", status

    # each test's rows (the build's manifest holds its compiled SQL): the same numbers in all three
    numbers = set()
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test" and node.get("compiled_code"):
            for row in show(
                project, f"select rule_kind, failing_rows, evaluated_rows from ({node['compiled_code']}) as q"
            ):
                numbers.add((row["rule_kind"], int(row["failing_rows"]), int(row["evaluated_rows"])))
    assert numbers == {("relationship", 1, 3), ("unique", 0, 3)}, numbers


UUID_ORDERS = (
    "select cast(v.id as uuid) as id, v.v from (values ('6f1c0000-0000-0000-0000-000000000001', 10),"
    " ('6f1c0000-0000-0000-0000-000000000001', 11), ('6f1c0000-0000-0000-0000-000000000003', 12))"
    " as v (id, v)\n"
)
UUID_PARENTS = (
    "select cast(v.code as varchar) as code from (values ('6f1c0000-0000-0000-0000-000000000001'),"
    " ('6F1C0000-0000-0000-0000-000000000001')) as v (code)\n"
)
UUID_SCHEMA = """\
version: 2
models:
  - name: kt_uuid_orders
    columns:
      - name: id
        data_tests:
          - pipeline_kit.consistency_relationship:
              arguments: {to: ref('kt_uuid_parents'), field: code, max_failure_ratio: 0.25}
"""


def test_text_parent_keys_equal_as_uuids_count_once(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    """DuckDB casts a text to a uuid in either case; the two parent spellings are one uuid."""
    files = {
        "kt_uuid_orders.sql": UUID_ORDERS,
        "kt_uuid_parents.sql": UUID_PARENTS,
        "schema.yml": UUID_SCHEMA,
    }
    project = mini_project("duckdb", adapter_targets, tmp_root, tmp_path, files)
    built = project.run("build")
    manifest, run_results = artifacts(project)
    tests = [item for item in run_results["results"] if item["unique_id"].startswith("test.")]
    assert [item["status"] for item in tests] == ["fail"], built.tail()  # 1 of 3 is over 0.25
    node = manifest["nodes"][tests[0]["unique_id"]]
    rows = show(project, f"select failing_rows, evaluated_rows from ({node['compiled_code']}) as q")
    assert [(int(row["failing_rows"]), int(row["evaluated_rows"])) for row in rows] == [(1, 3)]
