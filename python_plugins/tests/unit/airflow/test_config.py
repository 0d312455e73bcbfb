"""Generator settings: values the generated tasks use as they are written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline_kit.airflow import build_config


def test_relative_dbt_executable_is_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tasks run with the project directory as working directory, where `.venv/bin/dbt` means
    # something else (or nothing): the path is resolved where the generator runs.
    monkeypatch.chdir(tmp_path)
    executable = build_config({"dbt_executable": os.path.join(".venv", "bin", "dbt")}).dbt.executable
    assert executable == str(Path.cwd() / ".venv" / "bin" / "dbt")
    assert build_config({"dbt_executable": "/opt/dbt/bin/dbt"}).dbt.executable == "/opt/dbt/bin/dbt"


def test_bare_dbt_executable_is_looked_up_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = tmp_path / "bin" / "dbt-fake"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "bin")  # a relative PATH entry still gives an absolute executable
    assert build_config({"dbt_executable": "dbt-fake"}).dbt.executable == str(Path.cwd() / "bin" / "dbt-fake")
    assert build_config({"dbt_executable": "no-such-dbt"}).dbt.executable == "no-such-dbt"
