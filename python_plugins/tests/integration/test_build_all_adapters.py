"""`dbt build` of the whole integration project on each adapter: seeds, models, equality tests."""

from __future__ import annotations

import pytest

from .dbt_harness import DbtProject, iter_failures

pytestmark = pytest.mark.integration


def test_dbt_build_passes(dbt_project: DbtProject) -> None:
    result = dbt_project.run("build", "--full-refresh")
    failures = "\n".join(iter_failures(result))
    assert result.ok, f"dbt build failed on {dbt_project.target.name}:\n{failures}\n\n{result.tail(120)}"
    assert "PASS=" in result.output and " ERROR=0 " in result.output
