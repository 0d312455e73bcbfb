"""One column, one name in the quality results table.

Before: a generic test on a column declared with `quote: true` gets `"Order ID"` (with dbt's
quotes) as `column_name`, and the results hook stored it that way for the package's tests
(`null_ratio`, `unique`) and for dbt's built-ins (`not_null`, `accepted_values`), while the
single-scan `quality` test stored `Order ID`: one column under two names in the results and in
every score grouped by column. Now every row stores the name without the quotes, and rule names
show it so too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..dbt_harness import AdapterTarget
from ..scd.mini_project import DBT_PROJECT_YML, mini_project
from .helpers import show

pytestmark = pytest.mark.integration

PROJECT_YML = (
    DBT_PROJECT_YML
    + "vars:\n  pipeline_kit_store_results: true\n"
    + "  pipeline_kit_results_table: pk_column_names_results\n"
    + 'on-run-end:\n  - "{{ pipeline_kit.store_quality_results(results) }}"\n'
)

# two rows, both keys present and distinct; the reserved word `select` needs quoting everywhere
ORDERS = """\
select v.id as "Order ID", v.status as "select" from (values (1, 'pending'), (2, 'done')) as v (id, status)
"""

SCHEMA = """\
version: 2
models:
  - name: cn_orders
    data_tests:
      - pipeline_kit.quality:
          arguments:
            dimensions:
              completeness: [{column: Order ID, null_threshold: 0.0}]
              validity: [{column: select, allowed_values: [pending, done]}]
      - pipeline_kit.completeness_required_columns:
          arguments:
            columns: ['"Order ID"', 'select']
      - pipeline_kit.validity_unique:
          arguments:
            columns: ['"Order ID"', '"select"']
    columns:
      - name: Order ID
        quote: true
        data_tests:
          - not_null
          - pipeline_kit.completeness_null_ratio
          - pipeline_kit.validity_unique
      - name: select
        quote: true
        data_tests:
          - accepted_values:
              arguments:
                values: [pending, done]
          - pipeline_kit.validity_accepted_values:
              arguments:
                values: [pending, done]
"""

RESULTS_SQL = """
select source, rule_kind, rule_name, column_name, failing_rows, evaluated_rows
from {{ pipeline_kit.quality_results_relation() }}
"""


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_a_quoted_column_is_stored_under_its_plain_name(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(
        adapter, adapter_targets, tmp_root, tmp_path, {"cn_orders.sql": ORDERS, "schema.yml": SCHEMA}
    )
    (tmp_path / "dbt_project.yml").write_text(PROJECT_YML)
    built = project.run("build", "--exclude", "package:pipeline_kit")
    assert built.ok, built.tail(60)
    rows = sorted(
        (str(row["source"]), str(row["rule_kind"]), str(row["rule_name"]), str(row["column_name"]))
        for row in show(project, RESULTS_SQL)
    )
    assert rows == sorted(
        [
            ("pipeline_kit", "null_ratio", "null_ratio(Order ID)", "Order ID"),
            ("pipeline_kit", "accepted_values", "accepted_values(select)", "select"),
            ("pipeline_kit", "required_columns", "required_columns(Order ID, select)", "Order ID, select"),
            ("pipeline_kit", "unique", "unique(Order ID, select)", "Order ID, select"),
            ("pipeline_kit", "unique", "unique(Order ID)", "Order ID"),
            ("pipeline_kit", "null_ratio", "null_ratio(Order ID)", "Order ID"),
            ("pipeline_kit", "accepted_values", "accepted_values(select)", "select"),
            ("dbt", "not_null", "not_null(Order ID)", "Order ID"),
            ("dbt", "accepted_values", "accepted_values(select)", "select"),
        ]
    ), "\n".join(map(str, rows))
