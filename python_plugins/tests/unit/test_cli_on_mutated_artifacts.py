"""Every command on damaged artifacts: real dbt 1.11 files with one to three values replaced by a
value of another type (a list where an object was, a number for a string, null, ...). Each command
must end with exit 0 (it could use the rest) or 2 (input error, naming the file); any other
exception is a bug. It fails on the readers of 2026-12-05: `quality` on a `results` that is not a
list or a `nodes` that is not an object, and `analyze` on a `timing` that is not a list, each a
traceback (exit 1, the code of a failed gate)."""

from __future__ import annotations

import contextlib
import copy
import json
import math
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline_kit.cli import main

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "artifacts" / "dbt_1_11"
FILES = ("manifest.json", "run_results.json")
ORIGINALS = {name: json.loads((FIXTURE / name).read_text()) for name in FILES}
# NaN and Infinity: json.dumps writes them as literals and Python's reader takes them back
ODD_VALUES = [None, 0, -1, 1.5, True, "", "x", "\u202e<b>", [], [1], {}, {"a": 1}, 10**20, math.nan, math.inf]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key path into `value` (the first three items of each list)."""
    if prefix:
        yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:3]):
            yield from _paths(item, (*prefix, index))


PATHS = {name: sorted(_paths(ORIGINALS[name]), key=len) for name in FILES}


@st.composite
def _mutation(draw: st.DrawFn) -> tuple[str, tuple[Any, ...], Any]:
    name = draw(st.sampled_from(FILES))
    path = draw(st.sampled_from(PATHS[name]))
    # a prefix as often as a full path, so the top-level shapes get damaged too
    path = path[: draw(st.integers(min_value=1, max_value=len(path)))]
    return name, path, draw(st.sampled_from(ODD_VALUES))


def _apply(documents: dict[str, Any], mutation: tuple[str, tuple[Any, ...], Any]) -> None:
    name, path, value = mutation
    node = documents[name]
    for key in path[:-1]:
        node = node[key]
    # a copy: the shared ODD_VALUES containers must not become part of (and cycle through) a document
    node[path[-1]] = copy.deepcopy(value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations=st.lists(_mutation(), min_size=1, max_size=3))
def test_commands_exit_0_or_2_on_damaged_artifacts(
    mutations: list[tuple[str, tuple[Any, ...], Any]],
) -> None:
    documents = copy.deepcopy(ORIGINALS)
    for mutation in mutations:
        # an earlier mutation may have replaced a container on this path: then it does nothing
        with contextlib.suppress(KeyError, IndexError, TypeError):
            _apply(documents, mutation)
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "target"
        target.mkdir()
        for name, document in documents.items():
            (target / name).write_text(json.dumps(document))
        commands = [
            ["analyze", str(target), "--no-history", "--output-dir", str(target / "analysis")],
            ["quality", "--target-dir", str(target)],
            [
                "airflow",
                "generate",
                "--manifest",
                str(target / "manifest.json"),
                "--out",
                str(target / "dags"),
            ],
        ]
        for command in commands:
            assert main(command) in (0, 2), (command[0], mutations)
        report = target / "analysis" / "analysis.json"
        if report.exists():  # strict JSON: no NaN or Infinity taken over from the damage
            json.loads(report.read_text(), parse_constant=_refuse)


def _refuse(literal: str) -> None:
    raise AssertionError(f"analysis.json holds {literal}")


def test_the_fixture_itself_passes() -> None:
    """The undamaged files work (so exit 2 above comes from the damage)."""
    assert all(PATHS[name] for name in FILES)
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "target"
        target.mkdir()
        for file_name in FILES:
            (target / file_name).write_text(json.dumps(ORIGINALS[file_name]))
        assert main(["analyze", str(target), "--no-history", "--output-dir", str(target / "a")]) == 0
        assert main(["quality", "--target-dir", str(target)]) == 0
        assert (
            main(
                [
                    "airflow",
                    "generate",
                    "--manifest",
                    str(target / "manifest.json"),
                    "--out",
                    str(target / "d"),
                ]
            )
            == 0
        )
