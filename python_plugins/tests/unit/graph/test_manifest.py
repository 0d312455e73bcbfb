"""Tolerant manifest reading and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline_kit.errors import InputFileError
from pipeline_kit.graph import load_manifest

from .manifest_factory import ManifestBuilder


def test_reads_types_tags_meta_and_freshness(tmp_path: Path) -> None:
    m = ManifestBuilder()
    m.source("app", "orders")
    m.node("stg", "source.shop.app.orders", tags=("daily",), meta={"airflow": {"retries": 2}})
    m.node("eph", "stg", materialized="ephemeral")
    raw = m.build()
    raw["nodes"]["analysis.shop.a"] = {"resource_type": "analysis", "name": "a"}
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    manifest = load_manifest(path)
    stg = manifest.nodes["model.shop.stg"]
    assert (stg.tags, stg.depends_on, dict(stg.airflow_meta)) == (
        ("daily",),
        ("source.shop.app.orders",),
        {"retries": 2},
    )
    assert manifest.nodes["source.shop.app.orders"].has_freshness
    assert not manifest.nodes["model.shop.eph"].is_executable
    assert "analysis.shop.a" not in manifest.nodes
    assert manifest.project_name == "shop"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "manifest not found"),
        ("{not json", "not valid JSON"),
        ("[]", "not a dbt manifest"),
        ('{"nodes": {"model.x.y": {"resource_type": "model"}}}', "node 'model.x.y' has no 'name'"),
    ],
)
def test_unreadable_manifests_raise_input_errors(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "manifest.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError, match=message) as error:
        load_manifest(path)
    assert str(path) in str(error.value)
