"""Quality tests on columns whose names need quoting (a space, mixed case, the reserved word
`select`), given plainly or as dbt quotes them (`quote: true`). Before, the generic tests refused
a dbt-quoted name as "not in the model" and the `quality` test wrote the others into its SQL
unquoted (a syntax error). Model and tests: integration_tests/models/quality_quoted."""

from __future__ import annotations

import pytest

from ..dbt_harness import DbtProject
from .helpers import artifacts

pytestmark = pytest.mark.integration

# test name -> (status, failing rows): row 2 of 2 has a bad e-mail and a negative amount
EXPECTED = {
    "completeness_null_ratio": ("pass", 0),
    "validity_unique": ("pass", 0),
    "validity_accepted_values": ("pass", 0),
    "validity_regex": ("fail", 1),
    "accuracy_range": ("fail", 1),
    "quality": ("fail", 2),  # two failing rules: regex(E Mail) and range(Amount Due)
}


def test_quality_tests_quote_the_columns_they_check(dbt_project: DbtProject) -> None:
    result = dbt_project.run(
        "build", "--select", "quality_quoted_names", dbt_vars={"pk_quality_quoted": True}
    )
    manifest, run_results = artifacts(dbt_project)
    found = {}
    for item in run_results["results"]:
        node = manifest["nodes"].get(item["unique_id"], {})
        name = (node.get("test_metadata") or {}).get("name")
        if name:
            found[name] = (item["status"], item["failures"])
    assert found == EXPECTED, f"{found}\n{result.tail(80)}"
