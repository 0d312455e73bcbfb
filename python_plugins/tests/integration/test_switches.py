"""The integration project's switches (`it_var`): the harness passes them as PK_VAR_* environment
variables so that dbt re-parses only the files reading them (see `dbt_harness.split_vars`). A
stale parse would be a silent test bug: a batch test would run the previous batch's SQL. So: a
switch reaches the compiled SQL, a run without it gets the default back (the saved partial parse
is re-done, not reused), and `--vars` still works when no environment variable is set (a user
running the project by hand)."""

from __future__ import annotations

import pytest

from .dbt_harness import DbtProject

pytestmark = pytest.mark.integration


def _compiled_batch_filter(project: DbtProject, *extra: str, **kwargs: object) -> str:
    result = project.run("compile", "--select", "scd2_multi", *extra, **kwargs)  # type: ignore[arg-type]
    assert result.ok, result.tail()
    compiled = project.target.workdir / "target" / "compiled" / "pipeline_kit_integration_tests"
    text = (compiled / "models" / "scd" / "scd2_multi.sql").read_text()
    return next(line.strip() for line in text.splitlines() if line.strip().startswith("where batch"))


def test_switches_reach_sql_and_do_not_outlive_their_run(duckdb_project: DbtProject) -> None:
    assert _compiled_batch_filter(duckdb_project, dbt_vars={"scd_batch": 3}) == "where batch = 3"
    assert _compiled_batch_filter(duckdb_project, dbt_vars={"scd_batch": 4}) == "where batch = 4"
    assert _compiled_batch_filter(duckdb_project) == "where batch = 1"  # the model's default
    assert _compiled_batch_filter(duckdb_project, "--vars", '{"scd_batch": 2}') == "where batch = 2"
