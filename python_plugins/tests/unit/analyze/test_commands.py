"""Which dbt command wrote run_results.json: `dbt retry`, and commands that run no nodes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline_kit.analyze import analyze_run, load_run
from pipeline_kit.cli import main
from pipeline_kit.errors import InputFileError

from .artifact_builder import Node, diamond, write_artifacts

P = "model.shop."


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["analyze", *args])
    return code, capsys.readouterr().err


def _chain(a_seconds: float) -> list[Node]:
    return [Node("a", 0.0, a_seconds), Node("b", a_seconds, a_seconds + 1.0, depends_on=("a",))]


def test_a_retry_is_not_a_baseline_for_the_next_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`dbt retry` writes args.which of the command it retried ("build") and invocation_command
    "dbt retry": the 1 s retry of one node was recorded as a build, halved the wall-time median,
    and the next ordinary 10 s build failed `--fail-on wall_regression_pct=20`."""
    history = str(tmp_path / "h.duckdb")
    gate = ("--fail-on", "wall_regression_pct=20")
    first_build = write_artifacts(tmp_path / "build1", _chain(9.0), invocation_id="b1",
                                  generated_at="2024-01-01T00:00:00Z")  # fmt: skip
    assert _main(capsys, str(first_build), "--history", history, "--format", "none", *gate)[0] == 0
    retry = write_artifacts(
        tmp_path / "retry",
        [Node("b", 0.0, 1.0)],
        extra_manifest_nodes=[Node("a", None, None)],
        invocation_id="r1",
        generated_at="2024-01-01T01:00:00Z",
        extra_args={"invocation_command": "/opt/venv/bin/dbt --log-format json retry --target prod"},
    )
    code, err = _main(capsys, str(retry), "--history", history, "--format", "none", *gate)
    assert code == 0, err
    report = json.loads((retry / "pipeline_kit" / "analysis.json").read_text())
    assert report["run"]["command"] == "retry"
    second_build = write_artifacts(tmp_path / "build2", _chain(9.0), invocation_id="b2",
                                   generated_at="2024-01-02T00:00:00Z")  # fmt: skip
    code, err = _main(capsys, str(second_build), "--history", history, "--format", "none", *gate)
    assert code == 0, err
    report = json.loads((second_build / "pipeline_kit" / "analysis.json").read_text())
    assert report["gates"][0]["actual"] == pytest.approx(0.0)  # 10 s against the 10 s build
    assert report["history"]["runs"] == 3  # the retry is recorded, under its own command


def test_a_retry_of_a_build_keeps_the_build_ordering(tmp_path: Path) -> None:
    nodes = [
        Node("a", 0.0, 1.0),
        Node("not_null_a", 1.0, 2.0, resource_type="test", materialized="test", depends_on=("a",)),
        Node("b", 2.0, 3.0, depends_on=("a",)),
    ]
    run = load_run(write_artifacts(tmp_path, nodes, extra_args={"invocation_command": "dbt retry"}))
    assert (run.run_results.command, run.run_results.which) == ("retry", "build")
    assert analyze_run(run).graph.parents[P + "b"] == (P + "a", "test.shop.not_null_a")


@pytest.mark.parametrize(
    ("which", "invocation", "named"),
    [
        ("generate", "dbt docs generate", "`dbt docs generate`, which compiles the nodes but runs none"),
        ("compile", "dbt compile", "`dbt compile`, which compiles the nodes but runs none"),
        ("show", "dbt show --select a", "`dbt show`, which previews a query and builds nothing"),
        ("parse", "dbt parse", "`dbt parse`, which only parses the project"),
        ("list", "dbt ls", "`dbt list`, which only lists nodes"),
    ],
)
def test_commands_that_run_no_nodes_are_refused_with_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], which: str, invocation: str, named: str
) -> None:
    """`dbt build && dbt docs generate && pipeline-kit analyze target/`: docs generate overwrote
    run_results.json with its compile timings, which were analyzed as the run and recorded in
    history (a fast baseline; "rebuilt in N runs" counted compiles)."""
    history = tmp_path / "h.duckdb"
    target = write_artifacts(
        tmp_path / "target", diamond(), extra_args={"which": which, "invocation_command": invocation}
    )
    code, err = _main(capsys, str(target), "--history", str(history), "--format", "none")
    assert code == 2, err
    assert err.count("\n") == 1
    assert err.startswith(
        f"pipeline-kit: error: {target / 'run_results.json'}: written by {named}, "
        "not by a dbt build, run, test, seed or snapshot: nothing to analyze."
    ), err
    assert "--target-path" in err
    assert not history.exists()


def test_run_operation_is_named_not_taken_for_another_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`dbt run-operation` writes one result for its macro (`macro.shop.grant_select`, not a node
    of the manifest): the analyzer said "the two files come from different projects"."""
    target = write_artifacts(tmp_path / "target", diamond())
    run_results = target / "run_results.json"
    data = json.loads(run_results.read_text())
    data["args"] = {
        "which": "run-operation",
        "macro": "grant_select",
        "invocation_command": "dbt run-operation grant_select",
    }
    data["results"] = [
        {**data["results"][0], "unique_id": "macro.shop.grant_select", "thread_id": "MainThread"}
    ]
    run_results.write_text(json.dumps(data))
    code, err = _main(capsys, str(target), "--no-history", "--format", "none")
    assert code == 2, err
    assert "different projects" not in err
    assert f"{run_results}: written by `dbt run-operation`, which runs one macro and no nodes" in err
    with pytest.raises(InputFileError, match="written by `dbt run-operation`"):
        load_run(target)


def test_retries_are_compared_node_by_node_but_not_on_wall_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each retry runs whatever failed that time: its wall time is no measure of a slowdown."""
    history = str(tmp_path / "h.duckdb")
    gates = ("--fail-on", "wall_regression_pct=0", "--fail-on", "node_regression_pct=50")
    for index, seconds in enumerate([2.0, 2.0], start=1):
        nodes = [Node("b", 0.0, seconds)] if index == 1 else _chain(seconds)  # the second retries a and b
        target = write_artifacts(
            tmp_path / f"retry{index}",
            nodes,
            extra_manifest_nodes=[Node("a", None, None)] if index == 1 else None,
            invocation_id=f"r{index}",
            generated_at=f"2024-01-0{index}T00:00:00Z",
            extra_args={"invocation_command": "dbt retry"},
        )
        code, err = _main(capsys, str(target), "--history", history, "--format", "none", *gates)
        assert code == 0, err
    gates_by_rule = {
        g["rule"]: g for g in json.loads((target / "pipeline_kit" / "analysis.json").read_text())["gates"]
    }
    assert gates_by_rule["wall_regression_pct"]["detail"] == (
        "a `dbt retry` runs only what failed or was skipped: its wall time has no baseline"
    )
    assert gates_by_rule["node_regression_pct"]["detail"].startswith("largest node slowdown")
