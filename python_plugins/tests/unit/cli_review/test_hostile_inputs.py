"""`pipeline-kit` on hostile inputs: defects found by a review of the CLI (each case failed before).

1. A run_results.json holding one unique_id twice was read as two nodes: `analyze` listed the node
   twice and doubled its time and cost, `quality` scored each of its tests twice (exit 0). Now exit 2
   naming the file and the unique_id.
2. A negative `execution_time` became a negative cost (-0.19 USD/run) that passed
   `--fail-on cost_per_run=0`. Now read as missing, as NaN already is.
3. BigQuery `bytes_billed` of Infinity or 10**400 in adapter_response was an internal error
   (OverflowError); a negative one a negative cost. Now such a node is not priced.
4. `--runs-per-day 1e308 --price-per-hour 1e300` (or `--price-per-credit 1e308`) overflowed the
   monthly cost to null and the Markdown report to an internal error (TypeError). Now a usage error
   naming the option and the value.
5. A QUERY_HISTORY export with 1e308 credits in a row: the same internal error. Now such a cell is
   read as empty, as `nan` already is.
6. `--query-history` on a run priced as another adapter than Snowflake was never read, so a missing
   file passed with exit 0. Now exit 2 naming the option and the file.
7. `quality --connection postgresql://user:password@...` that cannot connect printed the password
   (into CI logs) on two lines. Now the password is *** and the error one line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline_kit.cli import cli, main

from ..analyze.artifact_builder import Node, diamond, write_artifacts

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "artifacts" / "dbt_1_11"


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


def _analyze(target: Path, *args: str) -> dict[str, object]:
    """Run `analyze` (it must exit 0) and return its analysis.json."""
    result = CliRunner().invoke(
        cli, ["analyze", str(target), "--no-history", "--format", "none", *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    report: dict[str, object] = json.loads((target / "pipeline_kit" / "analysis.json").read_text())
    return report


def _fixture_copy(tmp_path: Path) -> Path:
    target = tmp_path / "target"
    target.mkdir()
    for name in ("manifest.json", "run_results.json"):
        (target / name).write_text((FIXTURE / name).read_text())
    return target


@pytest.mark.parametrize("command", ["analyze", "quality"])
def test_a_result_written_twice_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    target = _fixture_copy(tmp_path)
    run_results = target / "run_results.json"
    data = json.loads(run_results.read_text())
    data["results"].append(dict(data["results"][0]))
    run_results.write_text(json.dumps(data))
    args = [str(target), "--no-history"] if command == "analyze" else ["--target-dir", str(target)]
    code, err = _main(capsys, command, *args)
    assert code == 2, err
    assert f"{run_results}: 'results' holds {data['results'][0]['unique_id']!r} more than once" in err


def test_a_negative_execution_time_is_no_negative_cost(tmp_path: Path) -> None:
    target = write_artifacts(tmp_path / "target", diamond())
    run_results = target / "run_results.json"
    data = json.loads(run_results.read_text())
    for result in data["results"]:
        result["execution_time"] = -5
    run_results.write_text(json.dumps(data))
    report = _analyze(target, "--price-per-hour", "10")
    cost = report["cost"]
    assert isinstance(cost, dict) and cost["per_run"] >= 0, cost
    assert all(node["execution_s"] >= 0 for node in report["nodes"]), report["nodes"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "bytes_billed", [float("inf"), 10**400, -5 * 1024**4], ids=["infinity", "10**400", "negative"]
)
def test_absurd_bigquery_bytes_billed_are_not_priced(tmp_path: Path, bytes_billed: float) -> None:
    nodes = [Node("a", 0.0, 1.0, adapter_response={"bytes_billed": bytes_billed})]
    target = write_artifacts(tmp_path / "target", nodes, adapter="bigquery")
    for output in ("table", "markdown"):
        cost = _analyze(target, "--format", output)["cost"]
        assert cost == {**cost, "per_run": 0, "basis": "none"}, cost  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("--runs-per-day", "1e308", "--price-per-hour", "1e300"), "--runs-per-day"),
        (("--adapter", "snowflake", "--price-per-credit", "1e308"), "--price-per-credit"),
    ],
)
def test_cost_options_too_large_to_multiply_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], option: str
) -> None:
    target = write_artifacts(tmp_path / "target", diamond())
    code, err = _main(capsys, "analyze", str(target), "--no-history", *args)
    assert code == 2, err
    assert f"Invalid value for '{option}': expected a finite number >= 0 and <= 1e+09, got 1e+308" in err


def test_query_history_credits_too_large_are_read_as_empty(tmp_path: Path) -> None:
    nodes = [Node("a", 0.0, 10.0, adapter_response={"query_id": "q1"})]
    target = write_artifacts(tmp_path / "target", nodes, adapter="snowflake")
    export = tmp_path / "query_history.csv"
    export.write_text(
        "QUERY_ID,WAREHOUSE_SIZE,EXECUTION_TIME,CREDITS_USED_CLOUD_SERVICES,CREDITS_ATTRIBUTED_COMPUTE\n"
        "q1,X-Small,3600000,0,1e308\n"
    )
    for output in ("table", "markdown"):
        cost = _analyze(target, "--query-history", str(export), "--format", output)["cost"]
        # the execution time on X-Small (1 credit/h) instead: one hour, one credit
        assert isinstance(cost, dict) and cost["credits_per_run"] == pytest.approx(1.0), cost


def test_query_history_for_another_adapter_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = write_artifacts(tmp_path / "target", diamond(), adapter="duckdb")
    missing = tmp_path / "missing.csv"
    code, err = _main(capsys, "analyze", str(target), "--no-history", "--query-history", str(missing))
    assert code == 2, err
    assert f"--query-history {missing}: a Snowflake export, but the run is priced as duckdb" in err


def test_a_connection_error_hides_the_password_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("psycopg2")
    target = _fixture_copy(tmp_path)
    url = "postgresql://ann:s3cr%40t@127.0.0.1:1/warehouse"  # port 1: refused at once
    code, err = _main(capsys, "quality", "--target-dir", str(target), "--connection", url)
    assert code == 2, err
    assert "s3cr" not in err, err
    assert "cannot connect to postgresql://ann:***@127.0.0.1:1/warehouse: " in err, err
    assert len(err.strip().splitlines()) == 1, err
