"""Tolerant manifest reading and its errors."""

from __future__ import annotations

import fnmatch
import json
import posixpath
from pathlib import Path

import pytest

from pipeline_kit.errors import InputFileError
from pipeline_kit.graph import ManifestNode, load_manifest, parse_manifest

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


def test_unit_tests_are_read() -> None:
    m = ManifestBuilder()
    m.node("orders")
    m.unit_test("ut_orders", "orders")
    unit_test = parse_manifest(m.build()).nodes.get("unit_test.shop.orders.ut_orders")
    assert unit_test is not None and unit_test.depends_on == ("model.shop.orders",)


def test_tags_keep_the_manifest_order() -> None:
    m = ManifestBuilder()
    m.node("orders", tags=("zeta", "alpha"))
    # `group_by: tag` groups by the first tag, as the project wrote them.
    assert parse_manifest(m.build()).nodes["model.shop.orders"].tags == ("zeta", "alpha")


def _dbt_selects(selector: str, node: ManifestNode) -> bool:
    """dbt's matching of the two methods `dbt_selector` writes: `fqn:` compares the fqn part by part
    as a prefix (fnmatch from the first part with a wildcard on), `file:` fnmatches the file name."""
    results = []
    for criterion in selector.split(","):
        method, value = criterion.split(":", 1)
        if method == "file":
            results.append(fnmatch.fnmatchcase(posixpath.basename(node.path), value))
            continue
        parts = value.split(".")
        wild = next((i for i, part in enumerate(parts) if any(c in part for c in "*?[]")), len(parts))
        results.append(
            len(node.fqn) >= len(parts)
            and list(node.fqn[:wild]) == parts[:wild]
            and (wild == len(parts) or fnmatch.fnmatchcase(".".join(node.fqn[wild:]), ".".join(parts[wild:])))
        )
    return all(results)


def test_node_selector_selects_its_node_alone() -> None:
    m = ManifestBuilder()
    m.node("ver_child", folder="models/ver")
    m.node("ver_child_detail", "ver_child", folder="models/ver/ver_child")  # fqn extends ver_child's
    m.node("odd[1]*", folder="models/ver")
    m.node("odd11x", folder="models/ver")
    versioned = m.node("ver_model_v1", folder="models/ver")
    m.nodes[versioned]["fqn"] = ["shop", "ver", "ver_model", "v1"]  # how dbt names a model version
    m.node("snap", resource_type="snapshot", folder="snapshots")
    m.nodes["snapshot.shop.snap"]["original_file_path"] = "snapshots/snapshots.yml"  # defined in YAML
    manifest = parse_manifest(m.build())
    for uid, node in manifest.nodes.items():
        chosen = [
            other for other, candidate in manifest.nodes.items() if _dbt_selects(node.dbt_selector, candidate)
        ]
        assert chosen == [uid]
    assert manifest.nodes["model.shop.ver_child"].dbt_selector == "fqn:shop.ver.ver_child,file:ver_child.sql"
