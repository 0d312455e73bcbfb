"""The `pipeline-kit` entry point: version, and errors mapped to the named exit codes."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from pipeline_kit import __version__
from pipeline_kit.cli import cli, main
from pipeline_kit.errors import ExitCode, GateFailedError, InputFileError


@pytest.fixture
def failing_commands() -> Iterator[None]:
    """Two throwaway subcommands that raise our errors, removed after the test."""

    @click.command("explode-input")
    def explode_input() -> None:
        raise InputFileError("target/manifest.json", "not valid JSON (line 1, column 5)")

    @click.command("explode-gate")
    def explode_gate() -> None:
        raise GateFailedError("overall score 0.82 is below --threshold 0.90")

    @click.command("explode-bug")
    def explode_bug() -> None:
        raise KeyError("unique_id")

    cli.add_command(explode_input)
    cli.add_command(explode_gate)
    cli.add_command(explode_bug)
    yield
    cli.commands.pop("explode-input")
    cli.commands.pop("explode-gate")
    cli.commands.pop("explode-bug")


def test_version_flag_prints_the_package_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"pipeline-kit, version {__version__}"


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["no-such-command"]) == ExitCode.USAGE_OR_INPUT_ERROR
    assert "No such command 'no-such-command'" in capsys.readouterr().err


def test_input_error_is_one_line_naming_the_file(
    failing_commands: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explode-input"]) == 2
    err = capsys.readouterr().err
    assert err == "pipeline-kit: error: target/manifest.json: not valid JSON (line 1, column 5)\n"


def test_gate_failure_exits_1(failing_commands: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explode-gate"]) == 1
    assert "below --threshold" in capsys.readouterr().err


def test_debug_flag_shows_the_traceback(failing_commands: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--debug", "explode-input"]) == 2
    assert "Traceback" in capsys.readouterr().err


def test_a_bug_in_any_command_exits_2_not_1(
    failing_commands: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit code 1 is "a gate failed" to CI: an unexpected exception exits 2 with one line."""
    assert main(["explode-bug"]) == ExitCode.USAGE_OR_INPUT_ERROR
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "internal error (KeyError: 'unique_id')" in err and "--debug" in err
    assert main(["--debug", "explode-bug"]) == ExitCode.USAGE_OR_INPUT_ERROR
    assert "Traceback" in capsys.readouterr().err
