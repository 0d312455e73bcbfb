"""The JSON document's stable schema, and the Markdown/HTML renderings of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline_kit.analyze import AnalyzeRequest, run_analysis
from pipeline_kit.analyze.cost import CostSettings
from pipeline_kit.analyze.render_html import render_html
from pipeline_kit.analyze.render_markdown import render_markdown

from .artifact_builder import diamond, write_artifacts

TOP_LEVEL_KEYS = {
    "schema_version", "generated_by", "run", "summary", "critical_path", "threads", "idle", "nodes",
    "slowest", "failed", "skipped", "flaky", "what_if", "cost", "recommendations", "history", "gates",
    "warnings",
}  # fmt: skip
NODE_KEYS = {
    "unique_id", "name", "resource_type", "materialized", "status", "thread_id", "start_s", "end_s",
    "execution_s", "compile_s", "execute_s", "on_critical_path", "cost", "cost_basis", "cost_detail", "p50_s",
    "p95_s",
    "flaky", "relation_type", "rows", "bytes",
}  # fmt: skip


@pytest.fixture
def report(tmp_path: Path) -> dict:  # type: ignore[type-arg]
    target = write_artifacts(tmp_path / "target", diamond(), adapter="snowflake")
    request = AnalyzeRequest(
        target=target, output_dir=None, cost=CostSettings(warehouse_sizes={"BIG": "L"}, runs_per_day=2)
    )
    return run_analysis(request).report


def test_schema_version_1_keys(report: dict) -> None:  # type: ignore[type-arg]
    assert report["schema_version"] == 1
    assert set(report) == TOP_LEVEL_KEYS
    assert all(set(node) == NODE_KEYS for node in report["nodes"])
    json.dumps(report)  # plain JSON types only


def test_report_values(report: dict) -> None:  # type: ignore[type-arg]
    assert report["idle"] == {
        "total_s": pytest.approx(8.0),
        "unattributed_s": pytest.approx(3.5),
        "by_blocker": [
            {"unique_id": "model.shop.a", "idle_s": pytest.approx(3.5), "gaps": 1},
            {"unique_id": "model.shop.c", "idle_s": pytest.approx(1.0), "gaps": 1},
        ],
    }
    assert report["slowest"][:3] == ["model.shop.a", "model.shop.e", "model.shop.c"]
    assert report["cost"]["credits_per_run"] == pytest.approx(39 / 3600, abs=1e-6)
    assert report["cost"]["per_month"] == pytest.approx(39 / 3600 * 3.0 * 2 * 30, abs=1e-4)
    assert report["summary"]["time_by_resource_type"] == {"model": pytest.approx(11.0)}
    assert report["history"] is None


def test_markdown_for_a_pull_request(report: dict) -> None:  # type: ignore[type-arg]
    markdown = render_markdown(report)
    assert markdown.startswith("## dbt run analysis: shop\n")
    assert "| a | model | success | 4.00 | 0.0267 | yes |" in markdown
    assert "- **Make a incremental**:" in markdown
    assert "warning" not in markdown
    report["warnings"] = ["target/run_results.json: a run under --empty (...)\nnot recorded"]
    assert (
        "\n> **warning:** target/run_results.json: a run under --empty (...) not recorded\n"
        in render_markdown(report)
    )


def test_html_embeds_the_report_safely(report: dict) -> None:  # type: ignore[type-arg]
    report["nodes"][0]["name"] = "</script><script>alert(1)</script>"
    html = render_html(report)
    assert html.count("</script>") == 2  # the data block's and the code block's, nothing injected
    start = html.index('id="report-data">') + len('id="report-data">')
    embedded = json.loads(html[start : html.index("</script>", start)])
    assert embedded["nodes"][0]["name"] == "</script><script>alert(1)</script>"


def test_sources_json_and_warnings_reach_the_report(tmp_path: Path) -> None:
    target = write_artifacts(tmp_path / "target", diamond(), run_results_version=7)
    (target / "sources.json").write_text(
        json.dumps(
            {
                "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/sources/v3.json"},
                "results": [
                    {"unique_id": "source.shop.raw.a", "status": "pass"},
                    {"unique_id": "source.shop.raw.b", "status": "warn"},
                    {"unique_id": "source.shop.raw.c", "status": "pass"},
                ],
            }
        )
    )
    run_results = json.loads((target / "run_results.json").read_text())
    run_results["results"].append(dict(run_results["results"][0], unique_id="model.shop.deleted_since"))
    (target / "run_results.json").write_text(json.dumps(run_results))
    report = run_analysis(AnalyzeRequest(target=target, output_dir=None)).report
    assert report["summary"]["source_freshness"] == {"pass": 2, "warn": 1}
    assert report["warnings"] == [
        "1 results are not in the manifest (deleted since?): timed but not placed in the DAG",
        f"{target / 'run_results.json'}: schema v7 is newer than tested; read anyway",
    ]


SCHEMA = (
    Path(__file__).resolve().parents[3] / "pipeline_kit" / "analyze" / "schema" / "analysis.v1.schema.json"
)
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "artifacts"


def test_reports_validate_against_the_published_json_schema(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    history = tmp_path / "h.duckdb"
    reports = []
    for index, seconds in enumerate([4.0, 9.0], start=1):
        nodes = diamond()
        nodes[0].end = seconds
        target = write_artifacts(
            tmp_path / f"run{index}",
            nodes,
            invocation_id=f"inv-{index}",
            adapter="bigquery",
            generated_at=f"2024-01-0{index}T00:00:00Z",  # baselines are the runs generated earlier
        )
        request = AnalyzeRequest(
            target=target, output_dir=None, history_path=history, fail_on=["node_regression_pct=10"]
        )
        reports.append(run_analysis(request).report)
    reports.append(run_analysis(AnalyzeRequest(target=FIXTURES / "dbt_1_5", output_dir=None)).report)
    assert reports[1]["history"]["regressions"], "the second run must carry a regression"
    for report in reports:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(report)]
        assert errors == []


def test_schema_rejects_a_report_missing_a_key(report: dict) -> None:  # type: ignore[type-arg]
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    del report["critical_path"]["share_of_wall"]
    report["cost"]["basis"] = "guess"
    messages = sorted(e.message for e in validator.iter_errors(report))
    assert messages == ["'guess' is not one of ['estimate', 'measured', 'mixed', 'none']",
                        "'share_of_wall' is a required property"]  # fmt: skip
