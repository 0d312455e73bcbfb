"""completeness_date_series names its rule and column as the other tests do: the rule name shows
the column as configured, without the quotes the SQL needs (`date_series(d by day)`), and
column_name holds the configured name. Before, both carried the quoted SQL name ('"d"', on
Snowflake '"D"'), unlike every other test's rows, so results and scorecards showed the quotes.
The results hook stores the test's own rows, so the compiled test's rows are what it stores.
Model and tests: integration_tests/models/quality_date_series."""

from __future__ import annotations

import pytest

from ..dbt_harness import DbtProject
from .helpers import artifacts, show

pytestmark = pytest.mark.integration

# configured column (dbt hands `quote: true`'s as "select") -> (rule_name, column_name)
EXPECTED = {
    "d": ("date_series(d by day)", "d"),
    "Event Day": ("date_series(Event Day by day)", "Event Day"),
    '"select"': ("date_series(select by day)", '"select"'),
}


def test_date_series_rule_and_column_names_are_unquoted(dbt_project: DbtProject) -> None:
    dbt_vars = {"pk_quality_date_series": True}
    build = dbt_project.run("build", "--select", "quality_date_series_names", dbt_vars=dbt_vars)
    assert build.ok, build.tail()
    manifest, _ = artifacts(dbt_project)
    tests = {
        node["test_metadata"]["kwargs"]["column_name"]: node["compiled_code"]
        for node in manifest["nodes"].values()
        if (node.get("test_metadata") or {}).get("name") == "completeness_date_series"
        and node.get("attached_node", "").endswith(".quality_date_series_names")
    }
    assert sorted(tests) == sorted(EXPECTED), tests
    found = {}
    for configured, sql in tests.items():
        rows = show(dbt_project, f"select rule_name, column_name, is_failing from ({sql}) as t", dbt_vars)
        assert [int(row["is_failing"]) for row in rows] == [0], rows
        found[configured] = (rows[0]["rule_name"], rows[0]["column_name"])
    assert found == EXPECTED
