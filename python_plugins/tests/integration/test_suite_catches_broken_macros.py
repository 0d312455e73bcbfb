"""The integration suite can fail: a copy of the package with one macro deliberately broken
must make `dbt build` fail on the cases that cover that macro."""

from __future__ import annotations

from pathlib import Path

import pytest

from .dbt_harness import DbtProject, copy_project_tree, make_target

pytestmark = pytest.mark.integration

MUTATIONS = {
    # Off-by-one: the spine loses its first period.
    "date_spine skips the first period": (
        "macros/date_spine/date_spine.sql",
        "from range(0, {{ spine.periods }})",
        "from range(1, {{ spine.periods }})",
        "date_spine",
    ),
    # NULL ordering left to the engine: DuckDB then keeps a row whose updated_at is NULL.
    "deduplicate drops the NULLS LAST rule": (
        "macros/dedup/deduplicate.sql",
        "{%- do explicit.append(item ~ ' nulls last') -%}",
        "{%- do explicit.append(item ~ ' nulls first') -%}",
        "dedup",
    ),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_broken_macro_fails_the_suite(tmp_path: Path, mutation: str) -> None:
    relative, original, broken, selector = MUTATIONS[mutation]
    project_dir = copy_project_tree(tmp_path / "pkg")
    macro_file = project_dir.parent / relative
    text = macro_file.read_text()
    assert original in text, f"mutation anchor not found in {relative}; update this test"
    macro_file.write_text(text.replace(original, broken))

    project = DbtProject(make_target("duckdb", tmp_path / "duckdb"), project_dir=project_dir)
    assert project.deps().ok
    result = project.run("build", "--select", selector)
    assert not result.ok, f"suite stayed green with a broken macro ({mutation}):\n{result.tail()}"
    assert "rows_equal" in result.output and "FAIL" in result.output, result.tail()
