"""`pipeline-kit analyze` through click: outputs, exit codes, and one-line errors naming the file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner, Result

from pipeline_kit.cli import cli, main

from .artifact_builder import Node, diamond, write_artifacts

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "artifacts"


def _invoke(*args: str) -> Result:
    # A wide terminal so rich does not wrap the lines we look for.
    return CliRunner().invoke(cli, ["analyze", *args], catch_exceptions=False, env={"COLUMNS": "200"})


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["analyze", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_analyze_writes_json_markdown_and_html(tmp_path: Path) -> None:
    target = write_artifacts(tmp_path / "target", diamond())
    result = _invoke(str(target), "--no-history", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads((target / "pipeline_kit" / "analysis.json").read_text())
    assert report["critical_path"]["nodes"] == ["model.shop.a", "model.shop.c", "model.shop.e"]
    assert report["run"]["wall_s"] == pytest.approx(9.5)
    markdown = (target / "pipeline_kit" / "analysis.md").read_text()
    assert "**Wall time** 9.50 s with 2 threads" in markdown
    assert "a → c → e" in markdown
    html = (target / "pipeline_kit" / "analysis.html").read_text()
    assert '"unique_id":"model.shop.a"' in html
    assert "<script src" not in html and "http://" not in html and "https://" not in html


def test_table_output_shows_the_critical_path_and_threads(tmp_path: Path) -> None:
    target = write_artifacts(tmp_path / "target", diamond())
    result = _invoke(str(target), "--no-history", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0
    assert "Critical path 9.00 s = 95% of wall time" in result.output
    assert "Idle time by blocker" in result.output
    assert "│ model.shop.a  │   3.50 │    1 │" in result.output
    assert (tmp_path / "out" / "analysis.html").is_file()


def test_analyze_real_dbt_fixture_and_gate_on_failures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "target"
    shutil.copytree(FIXTURES / "dbt_1_11", target)
    code, _, err = _main(capsys, str(target), "--no-history", "--format", "none", "--fail-on", "failures=0")
    assert code == 1
    assert "gate failed: failures (failed or errored nodes: 1 over 0)" in err
    code, _, _ = _main(capsys, str(target), "--no-history", "--format", "none", "--fail-on", "failures=1")
    assert code == 0


def test_truncated_json_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = write_artifacts(tmp_path / "target", diamond())
    manifest = target / "manifest.json"
    manifest.write_text(manifest.read_text()[:150])
    code, _, err = _main(capsys, str(target), "--no-history")
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith(f"pipeline-kit: error: {manifest}: not valid JSON (truncated or corrupt?)")


def test_non_artifact_file_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = write_artifacts(tmp_path / "target", diamond())
    run_results = target / "run_results.json"
    run_results.write_text('{"name": "my-app", "version": "1.0.0"}')
    code, _, err = _main(capsys, str(target), "--no-history")
    assert code == 2
    assert (
        err == f"pipeline-kit: error: {run_results}: "
        "not a dbt run_results artifact (no metadata.dbt_schema_version)\n"
    )


def test_artifacts_from_different_projects_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ours = write_artifacts(tmp_path / "ours", diamond(), project="shop")
    theirs = write_artifacts(tmp_path / "theirs", [Node("x", 0.0, 1.0)], project="billing")
    code, _, err = _main(capsys, str(ours), "--run-results", str(theirs / "run_results.json"), "--no-history")
    assert code == 2
    assert err.count("\n") == 1
    assert f"{theirs / 'run_results.json'}: 1 of 1 results (e.g. model.billing.x) are not in" in err
    assert "different projects" in err


def test_missing_target_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _main(capsys, str(tmp_path / "nope"), "--no-history")
    assert code == 2
    assert "not a directory" in err


def test_bad_gate_rule_and_bad_what_if(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = write_artifacts(tmp_path / "target", diamond())
    code, _, err = _main(capsys, str(target), "--no-history", "--fail-on", "speed=3")
    assert (code, "unknown rule" in err) == (2, True)
    code, _, err = _main(capsys, str(target), "--no-history", "--what-if", "zzz=50")
    assert (code, "--what-if zzz: no such node" in err) == (2, True)


def test_history_regression_gate_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    history = tmp_path / "history.duckdb"
    for index, seconds in enumerate([4.0, 4.0, 4.0, 9.0], start=1):
        target = write_artifacts(
            tmp_path / f"run{index}",
            [Node("a", 0.0, seconds), Node("b", seconds, seconds + 1.0, depends_on=("a",))],
            invocation_id=f"inv-{index}",
            generated_at=f"2024-01-0{index}T00:00:00Z",
        )
        code, _out, err = _main(
            capsys, str(target), "--history", str(history), "--format", "json",
            "--fail-on", "node_regression_pct=50", "--fail-on", "wall_regression_pct=100",
        )  # fmt: skip
        if index < 4:
            assert code == 0, err
    assert code == 1
    report = json.loads((target / "pipeline_kit" / "analysis.json").read_text())
    gates = {g["rule"]: g for g in report["gates"]}
    assert gates["node_regression_pct"]["passed"] is False
    assert gates["node_regression_pct"]["actual"] == pytest.approx(125.0)  # a: 4 s -> 9 s
    assert gates["wall_regression_pct"]["passed"] is True  # wall 5 s -> 10 s = +100%, not over
    assert report["history"]["runs"] == 4
    assert report["history"]["regressions"][0]["unique_id"] == "model.shop.a"
    node_a = next(n for n in report["nodes"] if n["unique_id"] == "model.shop.a")
    assert (node_a["p50_s"], node_a["p95_s"]) == (pytest.approx(4.0), pytest.approx(8.25))
    assert "node_regression_pct" in err


@pytest.mark.parametrize("flag", [{"empty": True}, {"sample": {"start": "2024-01-01", "end": "2024-01-02"}}])
def test_empty_or_sampled_run_is_not_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: dict[str, object]
) -> None:
    """A `dbt build --empty` (or `--sample`) run takes a fraction of a real run's time: recorded,
    it would halve the baseline's median and flag the next real run as a regression."""
    history = tmp_path / "history.duckdb"
    gate = ("--fail-on", "node_regression_pct=50")
    runs = [(4.0, {}), (0.1, flag), (4.0, {})]
    for index, (seconds, extra_args) in enumerate(runs, start=1):
        target = write_artifacts(
            tmp_path / f"run{index}",
            [Node("a", 0.0, seconds)],
            invocation_id=f"inv-{index}",
            generated_at=f"2024-01-0{index}T00:00:00Z",
            extra_args=extra_args,
        )
        code, _out, err = _main(capsys, str(target), "--history", str(history), "--format", "json", *gate)
        assert code == 0, f"run {index}: {err}"
        report = json.loads((target / "pipeline_kit" / "analysis.json").read_text())
        if extra_args:
            assert report["history"] is None
            assert any("is not recorded in history" in warning for warning in report["warnings"])
    assert report["history"]["runs"] == 2  # runs 1 and 3


def test_a_run_of_no_nodes_is_analyzed_and_not_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`dbt build --select state:modified+` with nothing modified writes `results: []`. Before, the
    analyzer failed recording it (DuckDB could not read the empty node file: a traceback, exit 1);
    recorded, its zero wall time would also enter the baseline."""
    history = tmp_path / "history.duckdb"
    empty = write_artifacts(tmp_path / "run1", [], invocation_id="inv-1")
    code, _out, err = _main(capsys, str(empty), "--history", str(history), "--format", "json")
    assert code == 0, err
    report = json.loads((empty / "pipeline_kit" / "analysis.json").read_text())
    assert report["history"] is None
    assert any("the run has no results" in warning for warning in report["warnings"]), report["warnings"]
    assert report["recommendations"] == []  # no advice about threads that ran nothing
    real = write_artifacts(tmp_path / "run2", diamond(), invocation_id="inv-2")
    code, _out, err = _main(capsys, str(real), "--history", str(history), "--format", "json")
    assert code == 0, err
    assert json.loads((real / "pipeline_kit" / "analysis.json").read_text())["history"]["runs"] == 1


def test_first_run_has_no_baseline_so_regression_gates_pass(tmp_path: Path) -> None:
    target = write_artifacts(tmp_path / "target", diamond())
    result = _invoke(
        str(target),
        "--history",
        str(tmp_path / "h.duckdb"),
        "--fail-on",
        "wall_regression_pct=0",
        "--format",
        "none",
    )
    assert result.exit_code == 0
    report = json.loads((target / "pipeline_kit" / "analysis.json").read_text())
    assert report["gates"][0]["detail"] == "no baseline runs in history yet"


def test_history_path_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINE_KIT_HISTORY", str(tmp_path / "env_history.duckdb"))
    target = write_artifacts(tmp_path / "target", diamond())
    assert _invoke(str(target), "--format", "none").exit_code == 0
    assert (tmp_path / "env_history.duckdb").is_file()


def test_threads_from_profiles_can_be_given(tmp_path: Path) -> None:
    # dbt writes args.threads only when --threads was on its command line; the fixtures lack it.
    target = tmp_path / "target"
    shutil.copytree(FIXTURES / "dbt_1_11", target)
    assert _invoke(str(target), "--no-history", "--format", "none").exit_code == 0
    report = json.loads((target / "pipeline_kit" / "analysis.json").read_text())
    assert report["run"]["threads"] == 4  # the four thread ids dbt used
    assert _invoke(str(target), "--no-history", "--format", "none", "--threads", "8").exit_code == 0
    report = json.loads((target / "pipeline_kit" / "analysis.json").read_text())
    assert report["run"]["threads"] == 8
    assert len(report["threads"]) == 8
    unused = [r for r in report["recommendations"] if r["kind"] == "threads_unused"]
    assert unused and unused[0]["evidence"].startswith("8 threads configured; at most ")


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--price-per-hour", "nan", "Invalid value for '--price-per-hour': expected a finite number >= 0"),
        ("--price-per-credit", "-1", "Invalid value for '--price-per-credit': expected a finite number >= 0"),
        ("--runs-per-day", "inf", "Invalid value for '--runs-per-day': expected a finite number >= 0"),
        ("--regression-pct", "-10", "Invalid value for '--regression-pct': expected a finite number >= 0"),
        ("--what-if", "a=nan", "--what-if a=nan: expected NODE=PERCENT with PERCENT from 0 to 100"),
        ("--what-if", "a=150", "--what-if a=150: expected NODE=PERCENT with PERCENT from 0 to 100"),
        ("--fail-on", "wall_s=nan", "--fail-on 'wall_s=nan': expected RULE=NUMBER, a finite number >= 0"),
        ("--fail-on", "wall_s=inf", "--fail-on 'wall_s=inf': expected RULE=NUMBER, a finite number >= 0"),
    ],
)
def test_non_finite_or_negative_numbers_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, message: str
) -> None:
    """Before: nan and inf were taken (costs of nan, a gate over nan failing and one within inf
    passing, NaN written into analysis.json), and a negative rate gave -0.0000 a month."""
    target = write_artifacts(tmp_path / "target", diamond())
    code, _, err = _main(capsys, str(target), "--no-history", "--format", "none", option, value)
    assert code == 2, err
    assert message in err, err
    assert not (target / "pipeline_kit").exists()


def test_a_non_finite_time_in_the_artifacts_is_read_as_missing(tmp_path: Path) -> None:
    """Python's JSON reader takes NaN and Infinity; the report must stay strict JSON."""
    target = write_artifacts(tmp_path / "target", diamond())
    run_results = target / "run_results.json"
    data = json.loads(run_results.read_text())
    data["elapsed_time"] = float("inf")
    data["results"][0]["execution_time"] = float("nan")
    run_results.write_text(json.dumps(data))  # writes the NaN and Infinity literals
    assert "NaN" in run_results.read_text()
    result = _invoke(str(target), "--no-history", "--format", "none")
    assert result.exit_code == 0, result.output

    def refuse(literal: str) -> None:
        raise AssertionError(f"analysis.json holds {literal}")

    json.loads((target / "pipeline_kit" / "analysis.json").read_text(), parse_constant=refuse)


def test_a_build_is_not_gated_against_an_earlier_seed(tmp_path: Path) -> None:
    """One history file, `dbt seed` then `dbt build`: the build's wall time was compared with the
    seed's and `--fail-on wall_regression_pct=50` exited 1."""
    history = str(tmp_path / "h.duckdb")
    seed = write_artifacts(
        tmp_path / "seed",
        [Node("a", 0.0, 0.5, resource_type="seed")],
        invocation_id="s",
        extra_args={"which": "seed"},
    )
    assert _invoke(str(seed), "--history", history, "--format", "none").exit_code == 0
    build = write_artifacts(tmp_path / "build", diamond(), invocation_id="b")
    result = _invoke(
        str(build), "--history", history, "--fail-on", "wall_regression_pct=50", "--format", "none"
    )
    assert result.exit_code == 0, result.output
    report = json.loads((build / "pipeline_kit" / "analysis.json").read_text())
    assert report["gates"][0]["detail"] == "no baseline runs in history yet"
    assert report["history"]["runs"] == 2


def test_partial_success_fails_the_failures_gate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """dbt exits 1 when a microbatch model ends in "partial success"; `--fail-on failures=0` passed."""
    nodes = [Node("events", 0.0, 3.0, materialized="incremental", status="partial success")]
    target = write_artifacts(tmp_path / "target", nodes)
    code, _, err = _main(capsys, str(target), "--no-history", "--format", "none", "--fail-on", "failures=0")
    assert code == 1, err
    assert "gate failed: failures (failed or errored nodes: 1 over 0)" in err
    report = json.loads((target / "pipeline_kit" / "analysis.json").read_text())
    assert report["failed"] == ["model.shop.events"]


def test_an_incompatible_history_file_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: a DuckDB traceback and exit 1, the code of a failed gate."""
    history = tmp_path / "h.duckdb"
    with duckdb.connect(str(history)) as db:
        db.execute("create table runs (id integer)")
    target = write_artifacts(tmp_path / "target", diamond())
    code, _, err = _main(capsys, str(target), "--history", str(history), "--format", "none")
    assert code == 2, err
    assert err.count("\n") == 1
    assert err.startswith(f"pipeline-kit: error: {history}: not a pipeline-kit history file"), err


def test_an_unexpected_error_never_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exit code 1 means "a gate failed": a bug must not look like one to CI (it raised out of
    `main`, a traceback and exit 1)."""

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr("pipeline_kit.analyze.pipeline.recommend", broken)
    target = write_artifacts(tmp_path / "target", diamond())
    code, _, err = _main(capsys, str(target), "--no-history", "--format", "none")
    assert code == 2
    assert err == (
        "pipeline-kit: error: internal error (ZeroDivisionError: float division by zero); "
        "run again with --debug for the traceback and please report it\n"
    )


@pytest.mark.parametrize("rule", ["cost_per_run=1", "cost_per_month=10"])
def test_a_cost_gate_without_a_price_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rule: str
) -> None:
    """On an adapter without built-in pricing and no --price-per-hour every cost is 0, so the
    gate passed whatever the run cost."""
    target = write_artifacts(tmp_path / "target", diamond(), adapter="postgres")
    code, _, err = _main(capsys, str(target), "--no-history", "--format", "none", "--fail-on", rule)
    assert code == 2, err
    assert err == (
        f"pipeline-kit: error: --fail-on {rule.split('=', maxsplit=1)[0]}: nothing in this run is priced "
        "(postgres: no price configured (pass --price-per-hour)), so the gate could never fail\n"
    )
    code, _, err = _main(
        capsys, str(target), "--no-history", "--format", "none", "--fail-on", rule, "--price-per-hour", "3"
    )
    assert code == 0, err


def test_reanalysing_an_older_run_reports_trends_up_to_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The node trends of a re-analysed run (p50, p95, flaky) came from the runs after it too."""
    history = tmp_path / "history.duckdb"
    targets = []
    for index, seconds in enumerate([2.0, 4.0, 30.0, 40.0], start=1):
        target = write_artifacts(
            tmp_path / f"run{index}",
            [Node("a", 0.0, seconds), Node("b", seconds, seconds + 1.0, depends_on=("a",))],
            invocation_id=f"inv-{index}",
            generated_at=f"2024-01-0{index}T00:00:00Z",
        )
        code, _out, err = _main(capsys, str(target), "--history", str(history), "--format", "json")
        assert code == 0, err
        targets.append(target)
    code, _out, err = _main(capsys, str(targets[1]), "--history", str(history), "--format", "json")
    assert code == 0, err
    report = json.loads((targets[1] / "pipeline_kit" / "analysis.json").read_text())
    node_a = next(n for n in report["nodes"] if n["unique_id"] == "model.shop.a")
    assert node_a["p50_s"] == pytest.approx(3.0)  # runs 1 and 2, not 1 to 4 (17.0)
