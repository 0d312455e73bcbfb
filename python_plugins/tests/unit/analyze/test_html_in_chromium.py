"""The HTML report opened in headless Chromium: it renders offline, one Gantt bar per executed node.

Needs Debian's `chromium`; skipped without it, except under CI=true where a missing browser fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline_kit.analyze import AnalyzeRequest, run_analysis

from .artifact_builder import diamond, write_artifacts

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "artifacts"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

pytestmark = pytest.mark.integration


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed (CI needs: apt-get install -y chromium)")
    pytest.skip("chromium is not installed (apt-get install -y chromium)")


def _run_chromium(html: Path, profile: Path, *mode: str) -> subprocess.CompletedProcess[str]:
    command = [
        _chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--window-size=1400,900", *mode, html.as_uri(),
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


@pytest.mark.parametrize("source", ["diamond", "dbt_1_11"])
def test_report_renders_with_one_bar_per_executed_node(tmp_path: Path, source: str) -> None:
    _chromium()  # skip (or fail under CI) before doing any work
    if source == "diamond":
        target = write_artifacts(tmp_path / "target", diamond())
    else:
        target = tmp_path / "target"
        shutil.copytree(FIXTURES / source, target)
    outcome = run_analysis(AnalyzeRequest(target=target, output_dir=tmp_path / "report"))
    html = tmp_path / "report" / "analysis.html"
    executed = [n for n in outcome.report["nodes"] if n["start_s"] is not None and n["thread_id"]]
    assert executed, "the fixture must have executed nodes"

    dom = _run_chromium(html, tmp_path / "profile", "--dump-dom").stdout
    bars = re.findall(r'<div class="bar ([^"]*)" data-node="([^"]+)"', dom)
    assert sorted(node for _, node in bars) == sorted(n["unique_id"] for n in executed)
    critical = sorted(node for classes, node in bars if "critical" in classes.split())
    assert critical == sorted(outcome.report["critical_path"]["nodes"])
    lanes = re.findall(r'<div class="lane-label">([^<]+)</div>', dom)
    assert sorted(lanes) == sorted({n["thread_id"] for n in executed})
    assert f"dbt run analysis: {outcome.report['run']['project']}" in dom

    screenshot = tmp_path / "report.png"
    _run_chromium(html, tmp_path / "profile", f"--screenshot={screenshot}")
    content = screenshot.read_bytes()
    assert content.startswith(PNG_SIGNATURE)
    assert len(content) > 10_000  # a blank 1400x900 page is about 6 KB; the report over 100 KB


def test_report_shows_the_run_warnings_as_text(tmp_path: Path) -> None:
    """A `--empty` run's warning (it is not recorded in history) heads the page; the path in it,
    here a directory named like markup, is shown as text, not parsed as HTML."""
    _chromium()
    target = write_artifacts(tmp_path / "<b>x</b>" / "target", diamond(), extra_args={"empty": True})
    run_analysis(AnalyzeRequest(target=target, output_dir=tmp_path / "report"))

    dom = _run_chromium(tmp_path / "report" / "analysis.html", tmp_path / "profile", "--dump-dom").stdout
    warnings = re.findall(r'<p class="warning">([^<]*)</p>', dom)
    assert len(warnings) == 1, warnings
    assert "a run under --empty" in warnings[0] and "not recorded in history" in warnings[0]
    assert "&lt;b&gt;x&lt;/b&gt;" in warnings[0]
    assert "<b>x</b>" not in dom


def test_a_node_named_like_an_html_comment_and_script_still_renders(tmp_path: Path) -> None:
    """`<!--<script>` in a model's name (dbt accepts it in a file name) kept the data block open past
    its own </script> in the browser, so the page's code never ran and the report was blank."""
    _chromium()
    nodes = diamond()
    nodes[0].name = "x<!--<script>"
    nodes[2].depends_on = (nodes[0].name, "b")
    nodes[3].depends_on = (nodes[0].name,)
    target = write_artifacts(tmp_path / "target", nodes)
    outcome = run_analysis(AnalyzeRequest(target=target, output_dir=tmp_path / "report"))
    dom = _run_chromium(tmp_path / "report" / "analysis.html", tmp_path / "profile", "--dump-dom").stdout
    bars = re.findall(r'<div class="bar ([^"]*)" data-node="', dom)
    assert len(bars) == len(outcome.report["nodes"]) == 5
