"""Tolerant run_results.json reader (schema v4 to v6): only the fields pipeline_kit uses."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from pipeline_kit.artifacts.loading import (
    as_dict,
    as_float,
    as_list,
    as_str,
    load_artifact,
    parse_timestamp,
    refuse_duplicate_results,
)
from pipeline_kit.errors import InputFileError

RUN_RESULTS_OLDEST = 4
RUN_RESULTS_NEWEST = 6
# More threads than any dbt run uses: a larger `threads` is damage, and the analysis would lay out
# an idle lane for each one.
MAX_THREADS = 4096
# The words that can follow `dbt` as its subcommand: the first of them in `invocation_command` is
# the command typed, wherever global flags (some with values: `--log-format json`) sit before it.
DBT_SUBCOMMANDS = frozenset(
    {
        "build", "clean", "clone", "compile", "debug", "deps", "docs", "init", "list", "ls", "parse",
        "retry", "run", "run-operation", "seed", "show", "snapshot", "source", "test",
    }
)  # fmt: skip


@dataclass(frozen=True)
class TimingStep:
    """One phase of a node's run: dbt reports "compile" and "execute"."""

    name: str
    started_at: datetime | None
    completed_at: datetime | None

    @property
    def duration_s(self) -> float:
        if self.started_at is None or self.completed_at is None:
            return 0.0
        return max((self.completed_at - self.started_at).total_seconds(), 0.0)


@dataclass(frozen=True)
class RunResult:
    unique_id: str
    status: str
    execution_time: float
    thread_id: str
    timing: tuple[TimingStep, ...]
    adapter_response: Mapping[str, Any]
    failures: int | None
    message: str
    # microbatch models (dbt 1.9+): how many batches ran (successful and failed), else 0
    batches: int = 0
    # the first timing value that is present but no timestamp (the node is then left off the timeline)
    unreadable_timing: str = ""

    def step(self, name: str) -> TimingStep | None:
        return next((step for step in self.timing if step.name == name), None)

    @property
    def compile_s(self) -> float:
        step = self.step("compile")
        return step.duration_s if step else 0.0

    @property
    def execute_s(self) -> float:
        step = self.step("execute")
        return step.duration_s if step else 0.0

    @cached_property
    def started_at(self) -> datetime | None:
        starts = [step.started_at for step in self.timing if step.started_at is not None]
        return min(starts) if starts else None

    @cached_property
    def completed_at(self) -> datetime | None:
        ends = [step.completed_at for step in self.timing if step.completed_at is not None]
        return max(ends) if ends else None


@dataclass(frozen=True)
class RunResults:
    path: Path
    schema_version: int
    newer_than_tested: bool
    dbt_version: str
    invocation_id: str
    generated_at: datetime | None
    elapsed_time: float | None
    threads: int | None
    # The dbt command of this invocation: `args.which`, except "retry" for a `dbt retry`, which
    # writes the `which` of the command it retried (and runs only what failed or was skipped).
    command: str
    results: tuple[RunResult, ...]
    # "--empty" or "--sample" when the run read no rows or a time window of them, else ""
    limited_by: str = ""
    # `args.which` as written: the command whose nodes ran (for a retry, the command retried).
    which: str = ""


def _result(raw: dict[str, Any]) -> RunResult | None:
    unique_id = raw.get("unique_id")
    if not isinstance(unique_id, str):
        return None
    timing = tuple(
        TimingStep(
            name=as_str(step.get("name")),
            started_at=parse_timestamp(step.get("started_at")),
            completed_at=parse_timestamp(step.get("completed_at")),
        )
        for step in as_list(raw.get("timing"))
        if isinstance(step, dict)
    )
    unreadable = [
        value
        for step in as_list(raw.get("timing"))
        if isinstance(step, dict)
        for value in (step.get("started_at"), step.get("completed_at"))
        if value not in (None, "") and parse_timestamp(value) is None
    ]
    failures = raw.get("failures")
    batch_results = as_dict(raw.get("batch_results"))
    batches = len(as_list(batch_results.get("successful"))) + len(as_list(batch_results.get("failed")))
    return RunResult(
        unique_id=unique_id,
        status=as_str(raw.get("status"), "unknown").lower(),
        # a negative time, like NaN, is no time: read as missing (it made negative costs pass gates)
        execution_time=max(as_float(raw.get("execution_time")) or 0.0, 0.0),
        thread_id=as_str(raw.get("thread_id")),
        timing=timing,
        adapter_response=as_dict(raw.get("adapter_response")),
        failures=failures if isinstance(failures, int) and not isinstance(failures, bool) else None,
        message=as_str(raw.get("message")),
        batches=batches,
        unreadable_timing=str(unreadable[0])[:80] if unreadable else "",
    )


def run_limited_by(args: Mapping[str, Any]) -> str:
    """The flag, `--empty` or `--sample`, when run_results.json's `args` say the run read no rows or
    a time window of them (its timings and test results do not describe the data); else ""."""
    return "--empty" if args.get("empty") else "--sample" if args.get("sample") else ""


def typed_subcommand(invocation_command: str) -> str:
    """The dbt subcommand in `invocation_command` ("dbt --log-format json retry" -> "retry"), "" when
    none is found. dbt writes "dbt " + its argv; the program may be a path (`.venv/bin/dbt`)."""
    try:
        words = shlex.split(invocation_command, posix=False)
    except ValueError:  # unbalanced quotes in an argument
        words = invocation_command.split()
    program = next((index for index, word in enumerate(words) if _basename(word) in ("dbt", "dbt.exe")), None)
    if program is None:
        return ""
    return next((word for word in words[program + 1 :] if word in DBT_SUBCOMMANDS), "")


def _basename(word: str) -> str:
    return word.replace("\\", "/").rsplit("/", 1)[-1].lower()


def read_run_results(path: Path) -> RunResults:
    """Read `path`; raise InputFileError (naming the file) if it is not usable run results."""
    loaded = load_artifact(path, "run-results", RUN_RESULTS_OLDEST, RUN_RESULTS_NEWEST)
    metadata = as_dict(loaded.data.get("metadata"))
    args = as_dict(loaded.data.get("args"))
    raw_threads = args.get("threads")
    threads = raw_threads if isinstance(raw_threads, int) and not isinstance(raw_threads, bool) else None
    if threads is not None and threads > MAX_THREADS:
        raise InputFileError(path, f"args.threads is {threads}, more than any dbt run uses ({MAX_THREADS})")
    raw_results = loaded.data.get("results")
    if not isinstance(raw_results, list):
        raise InputFileError(path, "not a dbt run_results artifact (no results list)")
    refuse_duplicate_results(path, raw_results)
    results = tuple(
        result for raw in raw_results if isinstance(raw, dict) and (result := _result(raw)) is not None
    )
    which = as_str(args.get("which"))
    return RunResults(
        path=path,
        schema_version=loaded.schema_version,
        newer_than_tested=loaded.newer_than_tested,
        dbt_version=as_str(metadata.get("dbt_version")),
        invocation_id=as_str(metadata.get("invocation_id")),
        generated_at=parse_timestamp(metadata.get("generated_at")),
        elapsed_time=as_float(loaded.data.get("elapsed_time")),
        threads=threads if threads is not None and threads > 0 else None,
        command="retry" if typed_subcommand(as_str(args.get("invocation_command"))) == "retry" else which,
        results=results,
        limited_by=run_limited_by(args),
        which=which,
    )
