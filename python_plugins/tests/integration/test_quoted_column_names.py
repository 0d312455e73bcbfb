"""A column whose name holds a double quote: dbt quotes names without doubling the quotes inside
(adapter.quote, Column.quoted), so the SQL would not parse, as in dbt's own incremental and
snapshot. The merge, scd and deduplicate refuse such a column before any write, naming it; before,
the merge and scd failed in the database ("zero-length delimited identifier") without naming it.
Names the warehouse allows when quoted (a space, mixed case, a reserved word) load as any other
(quoted_names_legal*, built by every build of the project).
Models: integration_tests/models/quoted_names (the refused ones off unless var pk_quoted_names)."""

from __future__ import annotations

import pytest

from .dbt_harness import DbtProject
from .merge.warehouse import as_multiset, read_table

pytestmark = pytest.mark.integration

EXPECTED = {
    "quoted_names_merge": "pipeline_kit.pipeline_kit_merge: quoted_names_merge:",
    "quoted_names_scd": "pipeline_kit.scd: quoted_names_scd:",
    "quoted_names_dedup": "pipeline_kit.deduplicate: quoted_names_dedup:",
}


def test_a_double_quote_in_a_column_name_is_refused_naming_it(dbt_project: DbtProject) -> None:
    selection = ["quoted_names_source", "quoted_names_merge", "quoted_names_scd", "quoted_names_dedup"]
    result = dbt_project.run("run", "--select", *selection, dbt_vars={"pk_quoted_names": True})
    assert not result.ok, result.tail()
    assert "PASS=1 " in result.output and "ERROR=3 " in result.output, result.tail(120)
    output = " ".join(result.output.split())
    for model, prefix in EXPECTED.items():
        message = f"{prefix} a column name holds a double quote, which dbt does not escape"
        assert message in output, f"{model}: {message!r} missing:\n{result.tail(120)}"
    assert output.count('(got say "hi")') == 3, result.tail(120)
    assert "zero-length delimited identifier" not in output


def test_spaces_mixed_case_and_reserved_words_in_names_load(dbt_project: DbtProject) -> None:
    """Key "Order ID", ordering column "updated at", data column "select": two batches in which
    key 1 changes; the merge keeps its latest value, SCD2 keeps both versions."""
    for batch in (1, 2):
        dbt_vars = {"pk_quoted_names": True, "pk_quoted_batch": batch}
        extra = ["--full-refresh"] if batch == 1 else []
        result = dbt_project.run("run", "--select", "quoted_names_legal+", *extra, dbt_vars=dbt_vars)
        assert result.ok, f"batch {batch}:\n{result.tail()}"
    merged = read_table(dbt_project, "quoted_names_legal_merge")
    assert as_multiset(merged, ["order id", "select"]) == [("0", "v0"), ("1", "v2")], merged
    versions = read_table(dbt_project, "quoted_names_legal_scd")
    assert as_multiset(versions, ["order id", "select", "is_current"]) == [
        ("0", "v0", "true"),
        ("1", "v1", "false"),
        ("1", "v2", "true"),
    ], versions
