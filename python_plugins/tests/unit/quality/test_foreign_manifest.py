"""A manifest.json that does not hold the run's tests (another project's, or an older / newer parse)
is an input error, exit 2, naming both files. Before, the tests it lacked were skipped: with a
foreign manifest nothing was scored ("no recorded quality tests"), and exit 0 even under
`--threshold 0.9` for a run whose tests failed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline_kit.cli import main

from .test_scorecard import _rewrite, _write_artifacts

# a real dbt 1.11 project's manifest: none of the test ids of `_write_artifacts`' run
OTHER_PROJECT = Path(__file__).resolve().parents[2] / "fixtures" / "artifacts" / "dbt_1_11" / "manifest.json"


def _quality(target: Path, *args: str) -> int:
    return main(["quality", "--target-dir", str(target), "--threshold", "0.9", *args])


def test_another_projects_manifest_exits_2_naming_both_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "target"
    _write_artifacts(target)  # its quality test failed: a 0.9 gate fails on it (exit 1)
    assert _quality(target) == 1
    capsys.readouterr()
    shutil.rmtree(target / "quality")
    shutil.copy(OTHER_PROJECT, target / "manifest.json")
    assert _quality(target) == 2
    error = capsys.readouterr().err
    assert (
        f"{target / 'manifest.json'}: does not belong to {target / 'run_results.json'}: "
        "none of its 3 test results is in it (test.p.quality_orders, test.p.not_null_orders_id, "
        "test.p.my_singular)"
    ) in error, error
    assert error.count("\n") == 1 and "Traceback" not in error
    assert not (target / "quality").exists()  # no report of a run it cannot score


def test_a_manifest_missing_some_of_the_runs_tests_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E.g. a `dbt parse` after a test was deleted: scoring the rest would hide its result."""
    target = tmp_path / "target"
    _write_artifacts(target)
    _rewrite(target / "manifest.json", lambda data: data["nodes"].pop("test.p.quality_orders"))
    assert _quality(target, "--allow-empty") == 2
    error = capsys.readouterr().err
    assert "1 of its 3 test results are missing from it (test.p.quality_orders)" in error, error


def test_results_of_other_nodes_and_other_invocations_are_not_checked(tmp_path: Path) -> None:
    """Only test results must be in the manifest (a model's is not scored), and invocation ids
    are not compared: `dbt ls` / `dbt parse` rewrite manifest.json alone, with a new one."""
    target = tmp_path / "target"
    _write_artifacts(target)
    _rewrite(
        target / "run_results.json",
        lambda data: data["results"].append({"unique_id": "model.p.gone", "status": "success"}),
    )
    _rewrite(target / "manifest.json", lambda data: data.update(metadata={"invocation_id": "inv-2"}))
    assert main(["quality", "--target-dir", str(target)]) == 0
    assert main(["quality", "--target-dir", str(target), "--threshold", "0.5"]) == 1  # its scores
