"""Errors and the CLI's named exit codes (0 ok, 1 a gate failed, 2 bad usage or bad input)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    GATE_FAILED = 1
    USAGE_OR_INPUT_ERROR = 2


class PipelineKitError(Exception):
    """An error the user can fix; the CLI prints its message as one line and exits 2."""

    exit_code = ExitCode.USAGE_OR_INPUT_ERROR


class InputFileError(PipelineKitError):
    """A file we were given is missing, unreadable or not what it claims to be."""

    def __init__(self, path: object, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class GateFailedError(PipelineKitError):
    """A CI gate (quality score, regression threshold) failed: exit 1, not an input problem."""

    exit_code = ExitCode.GATE_FAILED
