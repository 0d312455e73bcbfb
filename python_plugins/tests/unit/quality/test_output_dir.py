"""`pipeline-kit quality --output-dir`: a path that cannot be a directory is an input error."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline_kit.cli import main

from .test_scorecard import _write_artifacts


def test_output_dir_that_is_a_file_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_artifacts(tmp_path / "target")
    occupied = tmp_path / "reports"
    occupied.write_text("a file", encoding="utf-8")
    args = ["quality", "--target-dir", str(tmp_path / "target")]
    assert main([*args, "--output-dir", str(occupied)]) == 2
    error = capsys.readouterr().err
    assert f"{occupied}: cannot create the output directory" in error and "internal error" not in error
    assert error.count("\n") == 1
    assert occupied.read_text(encoding="utf-8") == "a file"
    assert main([*args, "--output-dir", str(tmp_path / "fresh")]) == 0
    assert (tmp_path / "fresh" / "quality.md").is_file()
