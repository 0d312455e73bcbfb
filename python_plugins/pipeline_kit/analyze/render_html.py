"""A self-contained HTML report: the report document embedded as JSON, drawn by inline JS."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

_PLACEHOLDER = "__REPORT_JSON__"


def render_html(report: dict[str, Any], report_json: str | None = None) -> str:
    """`report_json`: the report already serialized (saves encoding 10,000 nodes a second time)."""
    template = resources.files("pipeline_kit.analyze").joinpath("templates/report.html").read_text("utf-8")
    # "</" inside a <script> would end it early; "<\/" is the same string to JSON.parse.
    payload = (report_json or json.dumps(report, separators=(",", ":"))).replace("</", "<\\/")
    return template.replace(_PLACEHOLDER, payload, 1)
