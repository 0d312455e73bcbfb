"""A tolerant reader of dbt's manifest.json: only the fields the task graph needs.

Unknown keys are ignored and missing optional ones get defaults, so manifests from dbt 1.5
to 1.11 load alike; what is missing and required is one clear InputFileError.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline_kit.artifacts.loading import read_json
from pipeline_kit.errors import InputFileError

# dbt 1.11 user-defined functions are built like models, before the models calling them.
EXECUTABLE_TYPES = frozenset({"model", "seed", "snapshot", "function"})
# Data tests and (dbt 1.8+) unit tests: both run by `dbt test` and `dbt build`.
TEST_TYPES = frozenset({"test", "unit_test"})
KNOWN_TYPES = EXECUTABLE_TYPES | TEST_TYPES | {"source"}
# dbt splits a --select value on spaces, a term on `,`, and reads `+` at its end as a graph
# operator; `?` (any one character) stands for them so the selector stays one exact term.
_SELECTOR_UNSAFE = frozenset(" ,+")
# dbt splits a `source:` value on `.` into package, source and table: a dot inside one of them
# would shift the parts (selecting nothing, and the freshness task passing on nothing).
_SOURCE_UNSAFE = _SELECTOR_UNSAFE | {"."}


@dataclass(frozen=True)
class ManifestNode:
    """One model, seed, snapshot, function, data test, unit test or source of the manifest."""

    unique_id: str
    resource_type: str
    name: str
    package_name: str
    path: str
    fqn: tuple[str, ...]
    tags: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    materialized: str = ""
    database: str = ""
    schema: str = ""
    alias: str = ""
    source_name: str = ""
    has_freshness: bool = False
    patch_path: str = ""  # the YAML file that describes the node (dbt's `path:` selects by it)
    version: str = ""  # a versioned model's version (or, for a unit test, its model's)
    tested_fqn: tuple[str, ...] = ()  # a versioned model's unit test: the fqn of that version
    meta: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def is_executable(self) -> bool:
        """A node a dbt command materializes (ephemeral models are inlined, not run; another
        project's nodes are built by that project)."""
        return self.resource_type in EXECUTABLE_TYPES and self.materialized != "ephemeral" and bool(self.path)

    @property
    def is_ephemeral(self) -> bool:
        return self.resource_type == "model" and self.materialized == "ephemeral"

    @property
    def is_versioned(self) -> bool:
        # as dbt's: only models are versioned; a unit test's `version` names its model's
        return self.resource_type == "model" and self.version != ""

    @property
    def is_external(self) -> bool:
        """Another project's node (a dbt mesh cross-project ref): no file here, so like a source it
        is read, never built, by this project (dbt's `is_external_node`)."""
        return self.resource_type in EXECUTABLE_TYPES and not self.path

    @property
    def is_test(self) -> bool:
        return self.resource_type in TEST_TYPES

    @property
    def airflow_meta(self) -> Mapping[str, Any]:
        value = self.meta.get("airflow", {})
        return value if isinstance(value, Mapping) else {}

    @property
    def dbt_selector(self) -> str:
        """A selector naming this node alone on a dbt command line.

        dbt's `fqn:` method is a prefix match (`fqn:shop.orders` also selects a model in
        `models/orders/`), so it is intersected (`,`) with `file:`, the node's file name: two nodes
        of one package with one fqn prefix and one file name would need two models of one name.
        `file:` rather than `path:` because dbt matches `path:` against files under the root
        project, which never selects a node from an installed package. Both values are
        glob-escaped: dbt matches them with fnmatch once they contain `*`, `?` or `[`; a space,
        `,` or `+` becomes `?` (see `selector_value`), which `selection.check_selectors` verifies
        picks no other node. dbt writes a unit test once per version of a versioned model, with one
        name, fqn and file: `fqn:<that version>+1` keeps the one that is a child of its version.
        A source is `source:<package>.<source>.<table>`, each part escaped alike, a `.` too.
        """
        if self.resource_type == "source":
            # With its package: `source:app.events` also picks an installed package's app.events.
            parts = (self.package_name, self.source_name, self.name)
            return "source:" + ".".join(selector_value(part, _SOURCE_UNSAFE) for part in parts)
        selector = "fqn:" + ".".join(selector_value(part) for part in self.fqn)
        file_name = posixpath.basename(self.path)
        if file_name:
            selector += f",file:{selector_value(file_name)}"
        if self.tested_fqn:
            selector += ",fqn:" + ".".join(selector_value(part) for part in self.tested_fqn) + "+1"
        return selector

    @property
    def selector_has_stand_ins(self) -> bool:
        """Whether `dbt_selector` replaced characters by `?`, so may match more than this node."""
        if self.resource_type == "source":
            parts = (self.package_name, self.source_name, self.name)
            return any(_stand_in(char, _SOURCE_UNSAFE) for part in parts for char in part)
        names = (*self.fqn, *self.tested_fqn, posixpath.basename(self.path))
        return any(_stand_in(char, _SELECTOR_UNSAFE) for name in names for char in name)


def selector_value(text: str, unsafe: frozenset[str] = _SELECTOR_UNSAFE) -> str:
    """`text` as an exact fnmatch pattern that dbt's command line keeps as one selector term
    (`unsafe`: the characters dbt would split it on, which become `?`)."""
    return "".join(
        "?" if _stand_in(char, unsafe) else f"[{char}]" if char in "*?[" else char for char in text
    )


def _stand_in(char: str, unsafe: frozenset[str]) -> bool:
    return char in unsafe or char.isspace()


@dataclass(frozen=True)
class Manifest:
    project_name: str
    nodes: Mapping[str, ManifestNode]
    selectors: Mapping[str, Any] = field(default_factory=dict)

    def children(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {uid: [] for uid in self.nodes}
        for node in self.nodes.values():
            for parent in node.depends_on:
                if parent in result:
                    result[parent].append(node.unique_id)
        return result


def load_manifest(path: str | Path) -> Manifest:
    manifest_path = Path(path)
    raw = read_json(manifest_path, not_found="manifest not found (run `dbt parse` first)")
    return parse_manifest(raw, source=str(manifest_path))


def parse_manifest(raw: object, source: str = "manifest") -> Manifest:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("nodes"), Mapping):
        raise InputFileError(source, "not a dbt manifest: no 'nodes' object")
    _check_schema_version(raw.get("metadata"), source)
    nodes: dict[str, ManifestNode] = {}
    for section in ("nodes", "sources", "unit_tests", "functions"):
        entries = raw.get(section) or {}
        if not isinstance(entries, Mapping):
            raise InputFileError(source, f"'{section}' is not an object")
        for unique_id, entry in entries.items():
            node = _parse_node(str(unique_id), entry, source)
            if node is not None:
                nodes[node.unique_id] = node
    for uid, node in nodes.items():
        if node.resource_type == "unit_test" and node.version:
            models = [nodes[p] for p in node.depends_on if p in nodes and nodes[p].is_versioned]
            if len(models) == 1:
                nodes[uid] = replace(node, tested_fqn=models[0].fqn)
    metadata = raw.get("metadata") or {}
    project_name = str(metadata.get("project_name") or "") if isinstance(metadata, Mapping) else ""
    if not project_name:
        packages = sorted({node.package_name for node in nodes.values() if node.is_executable})
        project_name = packages[0] if packages else "dbt"
    selectors = raw.get("selectors") or {}
    return Manifest(
        project_name=project_name,
        nodes=nodes,
        selectors=selectors if isinstance(selectors, Mapping) else {},
    )


def _check_schema_version(metadata: object, source: str) -> None:
    """catalog.json and run_results.json have `nodes` too (catalog entries have no `name`): dbt
    names what an artifact is in `metadata.dbt_schema_version`, e.g. `.../dbt/manifest/v12.json`.
    Without that key (hand-written manifests) the file is read as a manifest."""
    version = metadata.get("dbt_schema_version") if isinstance(metadata, Mapping) else None
    if isinstance(version, str) and version and "/manifest/" not in version:
        raise InputFileError(source, f"not a dbt manifest: its dbt_schema_version is {version!r}")


def _parse_node(unique_id: str, entry: object, source: str) -> ManifestNode | None:
    if not isinstance(entry, Mapping):
        raise InputFileError(source, f"node {unique_id!r} is not an object")
    resource_type = str(entry.get("resource_type") or unique_id.split(".", 1)[0])
    if resource_type not in KNOWN_TYPES:
        return None  # analyses, operations, semantic nodes: not orchestrated
    name = entry.get("name")
    if not isinstance(name, str) or not name:
        raise InputFileError(source, f"node {unique_id!r} has no 'name'")
    config = entry.get("config") if isinstance(entry.get("config"), Mapping) else {}
    assert isinstance(config, Mapping)
    meta = {**_mapping(entry.get("meta")), **_mapping(config.get("meta"))}
    depends = entry.get("depends_on") if isinstance(entry.get("depends_on"), Mapping) else {}
    assert isinstance(depends, Mapping)
    package = str(entry.get("package_name") or ([*unique_id.split("."), ""])[1])
    fqn_raw = entry.get("fqn")
    fqn = tuple(str(part) for part in fqn_raw) if isinstance(fqn_raw, list) and fqn_raw else (package, name)
    return ManifestNode(
        unique_id=unique_id,
        resource_type=resource_type,
        name=name,
        package_name=package,
        path=str(entry.get("original_file_path") or entry.get("path") or ""),
        fqn=fqn,
        # The manifest's order, duplicates dropped: `group_by: tag` groups a node by its first tag.
        tags=tuple(dict.fromkeys(str(tag) for tag in _list(entry.get("tags")) + _list(config.get("tags")))),
        depends_on=tuple(sorted({str(uid) for uid in _list(depends.get("nodes"))})),
        materialized=str(config.get("materialized") or ""),
        database=str(entry.get("database") or ""),
        schema=str(entry.get("schema") or ""),
        alias=str(entry.get("alias") or entry.get("identifier") or name),
        source_name=str(entry.get("source_name") or ""),
        has_freshness=resource_type == "source" and _has_freshness(entry.get("freshness")),
        patch_path=str(entry.get("patch_path") or "").split("://", 1)[-1],
        version="" if entry.get("version") is None else str(entry.get("version")),
        meta=meta,
    )


def _has_freshness(freshness: object) -> bool:
    if not isinstance(freshness, Mapping):
        return False
    for key in ("warn_after", "error_after"):
        rule = freshness.get(key)
        if isinstance(rule, Mapping) and rule.get("count") is not None and rule.get("period"):
            return True
    return False


def _mapping(value: object) -> dict[str, Any]:
    return {str(key): item for key, item in value.items()} if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Any]:
    if isinstance(value, str):
        return [value]
    return list(value) if isinstance(value, list | tuple) else []
