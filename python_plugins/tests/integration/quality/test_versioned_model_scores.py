"""A versioned model's versions are separate tables: the results hook and `pipeline-kit quality`
score them apart, as `dim.v1` and `dim.v2` (dbt's own display). Before, both versions' tests
were recorded under `dim`: one model score over both tables (3 of 6 rows) and two failing rules
of one name that could not be told apart."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipeline_kit.cli import cli

from ..dbt_harness import AdapterTarget
from ..scd.mini_project import mini_project
from .helpers import HOOK

pytestmark = pytest.mark.integration

FILES = {
    "dim_v1.sql": "select * from (values (1, null), (2, null), (3, 'a'), (4, 'b')) as t (id, email)\n",
    "dim_v2.sql": "select * from (values (1, null), (2, 'a')) as t (id, email)\n",
    "schema.yml": """\
version: 2
models:
  - name: dim
    latest_version: 2
    columns:
      - name: email
        data_tests: [not_null]
    versions:
      - v: 1
      - v: 2
""",
}


def test_versions_are_scored_apart(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project("duckdb", adapter_targets, tmp_root, tmp_path, FILES)
    config = project.project_dir / "dbt_project.yml"
    config.write_text(config.read_text() + HOOK)
    built = project.run("build", dbt_vars={"pipeline_kit_store_results": True})
    assert not built.ok and "ERROR=2" in built.output, built.tail()  # both not_null tests fail
    database = project.target.env["PK_DUCKDB_PATH"]
    connection = duckdb.connect(database, read_only=True)
    try:
        stored = connection.execute(
            "select model_name, failing_rows, evaluated_rows from main.pipeline_kit_test_results order by 1"
        ).fetchall()
    finally:
        connection.close()
    assert stored == [("dim.v1", 2, 4), ("dim.v2", 1, 2)]
    target_dir = project.target.workdir / "target"
    card = CliRunner().invoke(
        cli, ["quality", "--target-dir", str(target_dir), "--duckdb", database], env={"COLUMNS": "200"}
    )
    assert "dim.v1: completeness: not_null(email) (2 of 4 rows failing)" in card.output, card.output
    assert "dim.v2: completeness: not_null(email) (1 of 2 rows failing)" in card.output, card.output
