"""Defects found by the 2026-12-07 review of the analyzer, each reproduced before its fix."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline_kit.analyze import AnalysisOptions, analyze_run, load_run
from pipeline_kit.analyze.cost import CostSettings
from pipeline_kit.analyze.recommend import recommend
from pipeline_kit.analyze.render_html import render_html
from pipeline_kit.artifacts.catalog import read_catalog
from pipeline_kit.cli import cli, main

from .artifact_builder import Node, diamond, write_artifacts

P = "model.shop."


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["analyze", *args], catch_exceptions=False, env={"COLUMNS": "200"})


class _ScriptCounter(HTMLParser):
    """Counts <script> elements as an HTML parser sees them (html.parser treats script as raw
    text up to the first "</script", like the spec's tokenizer outside the escaped states)."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._inside = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.scripts[-1] += data


@pytest.mark.parametrize("name", ["x<!--<script>", "</script><script>alert(1)</script>", "a<b>c"])
def test_no_less_than_sign_reaches_the_html_data_block(tmp_path: Path, name: str) -> None:
    """`<!--<script>` in a node name put the browser's tokenizer in its double-escaped state, where
    the data block's own </script> no longer closed it: the page's code never ran."""
    analysis = analyze_run(load_run(write_artifacts(tmp_path, diamond())))
    from pipeline_kit.analyze.report import build_report

    report = build_report(analysis, [], None)
    report["nodes"][0]["name"] = name
    html = render_html(report)
    start = html.index('id="report-data">') + len('id="report-data">')
    block = html[start : html.index("</script>", start)]
    assert "<" not in block  # so no tokenizer state can change inside it
    assert json.loads(block)["nodes"][0]["name"] == name
    counter = _ScriptCounter()
    counter.feed(html)
    assert len(counter.scripts) == 2  # the data block and the code


def test_snowflake_warehouse_names_match_case_insensitively(tmp_path: Path) -> None:
    nodes = diamond()
    nodes[0].warehouse = "transforming_wh"
    target = write_artifacts(tmp_path, nodes, adapter="snowflake")
    settings = CostSettings(price_per_credit=1.0, warehouse_sizes={"TRANSFORMING_WH": "L", "UNUSED_WH": "M"})
    cost = analyze_run(load_run(target), AnalysisOptions(cost=settings)).cost
    first = nodes[0]
    seconds = first.end - first.start  # type: ignore[operator]
    assert cost.nodes[P + first.name].credits == pytest.approx(seconds / 3600 * 8)  # L, not XS
    assert "UNUSED_WH" in cost.method and "TRANSFORMING_WH" not in cost.method


def _history_runs(tmp_path: Path, walls: list[float], *gates: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    history = tmp_path / "history.duckdb"
    code = 0
    target = tmp_path
    for index, seconds in enumerate(walls, start=1):
        target = write_artifacts(
            tmp_path / f"run{index}",
            [Node("a", 0.0, seconds)],
            invocation_id=f"inv-{index}",
            generated_at=f"2024-01-0{index}T00:00:00Z",
        )
        code = main(["analyze", str(target), "--history", str(history), "--format", "none", *gates])
    return code, json.loads((target / "pipeline_kit" / "analysis.json").read_text())


def test_a_regression_under_the_seconds_cutoff_is_reported_not_hidden(tmp_path: Path) -> None:
    """2.0 s -> 2.9 s (+45%) showed `actual 0.0`, as if the run were not slower at all."""
    code, report = _history_runs(tmp_path, [2.0, 2.9], "--fail-on", "wall_regression_pct=20")
    gate = report["gates"][0]
    assert code == 0 and gate["passed"] is True
    assert (
        "not counted" in gate["detail"]
        and "+45%" in gate["detail"]
        and "--regression-min-s 1" in gate["detail"]
    )


def test_the_seconds_cutoff_can_be_lowered_to_gate_short_runs(tmp_path: Path) -> None:
    code, report = _history_runs(
        tmp_path, [2.0, 2.9], "--fail-on", "wall_regression_pct=20", "--regression-min-s", "0"
    )
    gate = report["gates"][0]
    assert code == 1 and gate["passed"] is False
    assert gate["actual"] == pytest.approx(45.0)


def test_a_slowdown_from_a_zero_baseline_keeps_the_reports_strict_json(tmp_path: Path) -> None:
    """A node recorded at 0 s, then 2.5 s: change_pct was Infinity in analysis.json and the HTML."""
    code, report = _history_runs(tmp_path, [0.0, 2.5], "--fail-on", "node_regression_pct=50")
    assert code == 1  # infinitely slower fails the gate
    target = tmp_path / "run2" / "pipeline_kit"

    def refuse(literal: str) -> None:
        raise AssertionError(f"a report holds {literal}")

    json.loads((target / "analysis.json").read_text(), parse_constant=refuse)
    assert report["history"]["regressions"][0]["change_pct"] is None
    assert report["gates"][0]["actual"] is None
    jsonschema = pytest.importorskip("jsonschema")
    schema = (
        Path(__file__).resolve().parents[3]
        / "pipeline_kit"
        / "analyze"
        / "schema"
        / "analysis.v1.schema.json"
    )
    assert not list(jsonschema.Draft202012Validator(json.loads(schema.read_text())).iter_errors(report))
    assert "Infinity" not in (target / "analysis.html").read_text()
    assert "from 0 s" in (target / "analysis.md").read_text()


def test_huge_times_do_not_overflow_into_the_report(tmp_path: Path) -> None:
    target = write_artifacts(tmp_path / "target", diamond())
    run_results = target / "run_results.json"
    data = json.loads(run_results.read_text())
    for result in data["results"][:2]:
        result["execution_time"] = 1e308
    run_results.write_text(json.dumps(data))
    result = _invoke(str(target), "--no-history")
    assert result.exit_code == 0, result.output

    def refuse(literal: str) -> None:
        raise AssertionError(f"analysis.json holds {literal}")

    json.loads((target / "pipeline_kit" / "analysis.json").read_text(), parse_constant=refuse)


def test_bigquery_catalog_stats_and_a_real_zero(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.json"
    stats = {
        "num_rows": {"id": "num_rows", "label": "# Rows", "value": 1200, "include": True},
        "num_bytes": {"id": "num_bytes", "label": "Approximate Size", "value": 0, "include": True},
    }
    catalog.write_text(
        json.dumps(
            {
                "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/catalog/v1.json"},
                "nodes": {"model.shop.a": {"metadata": {"type": "table"}, "stats": stats}},
                "sources": {},
            }
        )
    )
    entry = read_catalog(catalog)["model.shop.a"]
    assert (entry.row_count, entry.num_bytes) == (1200, 0)


def test_deeply_nested_json_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = write_artifacts(tmp_path / "target", diamond())
    (target / "run_results.json").write_text("[" * 200_000)
    assert main(["analyze", str(target), "--no-history"]) == 2
    err = capsys.readouterr().err
    assert "run_results.json" in err and "nested too deeply" in err and "internal error" not in err


def test_an_unreadable_timestamp_is_a_warning_naming_node_and_value(tmp_path: Path) -> None:
    target = write_artifacts(tmp_path / "target", diamond())
    run_results = target / "run_results.json"
    data = json.loads(run_results.read_text())
    data["results"][0]["timing"][1]["completed_at"] = "garbage"
    run_results.write_text(json.dumps(data))
    run = load_run(target)
    assert any(data["results"][0]["unique_id"] in w and "'garbage'" in w for w in run.warnings)


def _microbatch(tmp_path: Path, concurrent: bool | None, threads: int) -> Path:
    target = write_artifacts(
        tmp_path / f"mb_{concurrent}_{threads}", [Node("events", 0.0, 20.0)], threads=threads
    )
    manifest = json.loads((target / "manifest.json").read_text())
    config = manifest["nodes"][P + "events"]["config"]
    config["materialized"] = "incremental"
    if concurrent is not None:
        config["concurrent_batches"] = concurrent
    (target / "manifest.json").write_text(json.dumps(manifest))
    data = json.loads((target / "run_results.json").read_text())
    days = [[f"2024-01-0{d}T00:00:00Z", f"2024-01-0{d + 1}T00:00:00Z"] for d in range(1, 5)]
    data["results"][0]["batch_results"] = {"successful": days, "failed": []}
    (target / "run_results.json").write_text(json.dumps(data))
    return target


def test_concurrent_microbatch_batches_get_a_warning_not_thread_advice(tmp_path: Path) -> None:
    """Four batches on four threads were shown as one thread busy and three never used."""
    analysis = analyze_run(load_run(_microbatch(tmp_path, concurrent=True, threads=4)))
    assert any("concurrent_batches" in w for w in analysis.run.warnings)
    assert not [r for r in recommend(analysis) if r.kind.startswith("threads")]


@pytest.mark.parametrize(("concurrent", "threads"), [(False, 4), (None, 1)])
def test_sequential_microbatch_keeps_the_thread_analysis(
    tmp_path: Path, concurrent: bool | None, threads: int
) -> None:
    analysis = analyze_run(load_run(_microbatch(tmp_path, concurrent=concurrent, threads=threads)))
    assert not any("concurrent_batches" in w for w in analysis.run.warnings)
    if threads > 1:
        assert [r for r in recommend(analysis) if r.kind == "threads_unused"]
