"""dbt-style node selection over the manifest: the common forms of `--select` / `--exclude`.

Supported: bare names and dotted fqn paths (with `*` wildcards), `path:`, `tag:`, `fqn:`,
`resource_type:`, `package:`, `source:`, `config.materialized:`, `selector:` (YAML selectors
stored in the manifest), graph operators `+x`, `N+x`, `x+`, `x+N`, `@x`, spaces for union and
commas for intersection. The result holds executable nodes, ephemeral models and sources, never
tests: the planner places tests by `test_behavior`. Ephemeral models are selectable because, as
with dbt's `cautious` indirect selection, a test on one runs only when the model is selected.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pipeline_kit.errors import PipelineKitError
from pipeline_kit.graph.manifest import Manifest, ManifestNode

_TERM = re.compile(r"^(?P<at>@)?(?:(?P<up>\d*)\+)?(?P<body>.+?)(?:\+(?P<down>\d*))?$")
_METHODS = ("path", "tag", "fqn", "resource_type", "package", "source", "config.materialized", "selector")


class SelectionError(PipelineKitError):
    pass


def select_nodes(
    manifest: Manifest,
    select: Sequence[str] = (),
    exclude: Sequence[str] = (),
    selector: str | None = None,
) -> frozenset[str]:
    """Unique ids of the selected models (ephemeral ones too), seeds, snapshots and sources (all
    when nothing given)."""
    graph = _Graph(manifest)
    if selector is not None:
        chosen = graph.yaml_selector(selector, f"--selector {selector!r}")
    else:
        chosen = graph.universe
    if select:
        chosen = chosen & graph.union(select, "--select")
    if exclude:
        chosen = chosen - graph.union(exclude, "--exclude")
    return frozenset(chosen)


class _Graph:
    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest
        self.children = manifest.children()
        self.universe = frozenset(
            uid
            for uid, node in manifest.nodes.items()
            if node.is_executable or node.is_ephemeral or node.resource_type == "source"
        )
        self._resolving: list[str] = []

    def union(self, expressions: Iterable[str], flag: str) -> frozenset[str]:
        result: set[str] = set()
        for expression in expressions:
            for term in expression.split():
                result |= self.intersection(term, f"{flag} {term!r}")
        return frozenset(result)

    def intersection(self, term: str, where: str) -> frozenset[str]:
        parts = [part for part in term.split(",") if part]
        if not parts:
            raise SelectionError(f"{where}: empty selector")
        result = self.term(parts[0], where)
        for part in parts[1:]:
            result &= self.term(part, where)
        return result

    def term(self, text: str, where: str) -> frozenset[str]:
        match = _TERM.match(text)
        if match is None:
            raise SelectionError(f"{where}: cannot parse selector {text!r}")
        body = match["body"]
        method, value = _split_method(body)
        base = self.yaml_selector(value, where) if method == "selector" else self.method(method, value, where)
        if not base:
            raise SelectionError(f"{where}: selector {text!r} matches no node in the manifest")
        return self.expand(base, match["up"], match["down"], bool(match["at"]))

    def expand(self, base: frozenset[str], up: str | None, down: str | None, at: bool) -> frozenset[str]:
        result = set(base)
        if up is not None:
            result |= self.walk(base, self._parents, int(up) if up else None)
        if down is not None or at:
            descendants = self.walk(base, self._children, int(down) if down else None)
            result |= descendants
            if at:
                result |= self.walk(frozenset(descendants), self._parents, None)
        return frozenset(result) & self.universe

    def _parents(self, uid: str) -> Sequence[str]:
        node = self.manifest.nodes.get(uid)
        return [p for p in node.depends_on if p in self.manifest.nodes] if node else ()

    def _children(self, uid: str) -> Sequence[str]:
        return self.children.get(uid, ())

    @staticmethod
    def walk(start: frozenset[str], step: Callable[[str], Sequence[str]], depth: int | None) -> set[str]:
        seen: set[str] = set()
        frontier = set(start)
        level = 0
        while frontier and (depth is None or level < depth):
            level += 1
            frontier = {nxt for uid in frontier for nxt in step(uid)} - seen
            seen |= frontier
        return seen

    def method(self, method: str, value: str, where: str) -> frozenset[str]:
        matcher = _matcher(method, value, where)
        return frozenset(uid for uid in self.universe if matcher(self.manifest.nodes[uid]))

    def yaml_selector(self, name: str, where: str) -> frozenset[str]:
        entry = self.manifest.selectors.get(name)
        if entry is None:
            known = ", ".join(sorted(map(str, self.manifest.selectors))) or "none"
            raise SelectionError(f"{where}: unknown selector {name!r} (manifest selectors: {known})")
        if name in self._resolving:
            raise SelectionError(f"{where}: selector {name!r} refers to itself")
        self._resolving.append(name)
        try:
            definition = entry.get("definition", entry) if isinstance(entry, Mapping) else entry
            return self.definition(definition, f"selector {name!r}")
        finally:
            self._resolving.pop()

    def definition(self, spec: Any, where: str) -> frozenset[str]:
        if isinstance(spec, str):
            return self.union([spec], where)
        if isinstance(spec, Mapping):
            if "union" in spec:
                return self._combine(spec["union"], where, union=True)
            if "intersection" in spec:
                return self._combine(spec["intersection"], where, union=False)
            if "method" in spec:
                return self._method_definition(spec, where)
        raise SelectionError(f"{where}: unsupported selector definition {spec!r}")

    def _combine(self, items: Any, where: str, union: bool) -> frozenset[str]:
        if not isinstance(items, list) or not items:
            raise SelectionError(f"{where}: union/intersection needs a non-empty list")
        excluded: set[str] = set()
        parts: list[frozenset[str]] = []
        for item in items:
            if isinstance(item, Mapping) and set(item) == {"exclude"}:
                for sub in item["exclude"]:
                    excluded |= self.definition(sub, where)
            else:
                parts.append(self.definition(item, where))
        result: set[str] = set(parts[0]) if parts else set()
        for part in parts[1:]:
            result = result | part if union else result & part
        return frozenset(result - excluded)

    def _method_definition(self, spec: Mapping[str, Any], where: str) -> frozenset[str]:
        method, value = str(spec["method"]), str(spec.get("value", ""))
        base = self.yaml_selector(value, where) if method == "selector" else self.method(method, value, where)
        up = str(spec.get("parents_depth", "")) if spec.get("parents") else None
        down = str(spec.get("children_depth", "")) if spec.get("children") else None
        result = self.expand(base, up, down, bool(spec.get("childrens_parents")))
        for excluded in spec.get("exclude", []) or []:
            result -= self.definition(excluded, where)
        return result


def _split_method(body: str) -> tuple[str, str]:
    if ":" in body:
        method, value = body.split(":", 1)
        return method, value
    if "/" in body or body.endswith((".sql", ".csv", ".py")):
        return "path", body
    return "fqn", body


def _matcher(method: str, value: str, where: str) -> Callable[[ManifestNode], bool]:
    if method == "tag":
        return lambda node: any(fnmatch.fnmatchcase(tag, value) for tag in node.tags)
    if method == "path":
        prefix = value.rstrip("/")
        return lambda node: (
            node.path == prefix
            or node.path.startswith(prefix + "/")
            or (fnmatch.fnmatchcase(node.path, value))
        )
    if method == "fqn":
        return lambda node: _fqn_matches(node, value)
    if method == "resource_type":
        return lambda node: node.resource_type == value
    if method == "package":
        return lambda node: fnmatch.fnmatchcase(node.package_name, value)
    if method == "config.materialized":
        return lambda node: node.materialized == value
    if method == "source":
        return lambda node: node.resource_type == "source" and _source_matches(node, value)
    known = ", ".join(_METHODS)
    raise SelectionError(f"{where}: unknown selector method {method!r} (supported: {known})")


def _fqn_matches(node: ManifestNode, value: str) -> bool:
    if node.resource_type == "source":
        return False
    if fnmatch.fnmatchcase(node.name, value):
        return True
    pattern = value.split(".")
    if len(pattern) > len(node.fqn):
        return False
    return all(fnmatch.fnmatchcase(part, want) for part, want in zip(node.fqn, pattern, strict=False))


def _source_matches(node: ManifestNode, value: str) -> bool:
    parts = value.split(".")
    candidates = [node.source_name, node.name] if len(parts) <= 2 else [node.package_name, node.source_name]
    candidates += [node.name] if len(parts) == 3 else []
    return all(fnmatch.fnmatchcase(have, want) for have, want in zip(candidates, parts, strict=False))
