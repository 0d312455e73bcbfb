"""Tolerant manifest.json reader (schema v4 to v12): only the fields pipeline_kit uses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline_kit.artifacts.loading import as_dict, as_str, as_str_tuple, load_artifact

MANIFEST_OLDEST = 4
MANIFEST_NEWEST = 12
# The manifest sections read into `Manifest.nodes`, with the resource type of their entries.
# Unit tests and exposures (dbt 1.10+ in `build`) appear in run_results; saved queries do in a
# `build` with exports, and reach their models through metrics and semantic models.
RESOURCE_SECTIONS = (
    ("nodes", ""),
    ("sources", "source"),
    ("seeds", "seed"),
    ("unit_tests", "unit_test"),
    ("exposures", "exposure"),
    ("metrics", "metric"),
    ("semantic_models", "semantic_model"),
    ("saved_queries", "saved_query"),
)


@dataclass(frozen=True)
class ManifestNode:
    """A model, seed, snapshot, test, source (or other resource) from the manifest."""

    unique_id: str
    resource_type: str
    name: str
    package_name: str
    depends_on: tuple[str, ...]
    materialized: str
    tags: tuple[str, ...]
    original_file_path: str
    # Snowflake lets each model pick a warehouse via `snowflake_warehouse`; empty when unset.
    warehouse: str = ""
    # For tests: the model/source the test is attached to (manifest v7+), else "".
    attached_node: str = ""
    # microbatch models: the `concurrent_batches` config (None when unset: dbt decides)
    concurrent_batches: bool | None = None


@dataclass(frozen=True)
class Manifest:
    path: Path
    schema_version: int
    newer_than_tested: bool
    dbt_version: str
    invocation_id: str
    adapter_type: str
    project_name: str
    nodes: Mapping[str, ManifestNode]

    def children(self) -> dict[str, list[str]]:
        """unique_id -> the nodes that depend on it (the manifest's child_map, recomputed)."""
        child_map: dict[str, list[str]] = {}
        for node in self.nodes.values():
            for parent in node.depends_on:
                child_map.setdefault(parent, []).append(node.unique_id)
        return child_map


def _node(unique_id: str, raw: dict[str, Any], default_resource_type: str) -> ManifestNode:
    config = as_dict(raw.get("config"))
    depends_on = as_dict(raw.get("depends_on"))
    tags = as_str_tuple(raw.get("tags")) or as_str_tuple(config.get("tags"))
    return ManifestNode(
        unique_id=unique_id,
        resource_type=as_str(raw.get("resource_type"), default_resource_type),
        name=as_str(raw.get("name"), unique_id.rsplit(".", 1)[-1]),
        package_name=as_str(raw.get("package_name")),
        depends_on=as_str_tuple(depends_on.get("nodes")),
        materialized=as_str(config.get("materialized")),
        tags=tags,
        original_file_path=as_str(raw.get("original_file_path")),
        warehouse=as_str(config.get("snowflake_warehouse")),
        attached_node=as_str(raw.get("attached_node")),
        concurrent_batches=_optional_bool(config.get("concurrent_batches")),
    )


def _optional_bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def read_manifest(path: Path) -> Manifest:
    """Read `path`; raise InputFileError (naming the file) if it is not a usable manifest."""
    loaded = load_artifact(path, "manifest", MANIFEST_OLDEST, MANIFEST_NEWEST)
    metadata = as_dict(loaded.data.get("metadata"))
    nodes: dict[str, ManifestNode] = {}
    for section, default_type in RESOURCE_SECTIONS:
        for unique_id, raw in as_dict(loaded.data.get(section)).items():
            if isinstance(raw, dict):
                nodes[unique_id] = _node(unique_id, raw, default_type)
    project_name = as_str(metadata.get("project_name")) or _guess_project_name(nodes)
    return Manifest(
        path=path,
        schema_version=loaded.schema_version,
        newer_than_tested=loaded.newer_than_tested,
        dbt_version=as_str(metadata.get("dbt_version")),
        invocation_id=as_str(metadata.get("invocation_id")),
        adapter_type=as_str(metadata.get("adapter_type")),
        project_name=project_name,
        nodes=nodes,
    )


def _guess_project_name(nodes: Mapping[str, ManifestNode]) -> str:
    # Manifests before v10 carry no project name; the package owning most models is the project.
    counts: dict[str, int] = {}
    for node in nodes.values():
        if node.resource_type == "model":
            counts[node.package_name] = counts.get(node.package_name, 0) + 1
    return max(counts, key=lambda name: counts[name]) if counts else ""
