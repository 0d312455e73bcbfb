"""dbt-style node selection over the manifest: the common forms of `--select` / `--exclude`.

Supported: bare names and dotted fqn paths (with `*` wildcards), `path:`, `file:`, `tag:`,
`fqn:`, `resource_type:`, `package:`, `source:`, `config.materialized:`, `selector:` (YAML
selectors stored in the manifest), graph operators `+x`, `N+x`, `x+`, `x+N`, `@x`, spaces for
union and commas for intersection. Methods match as dbt 1.11's do: `fqn` on the fqn with and
without its package (`marts` selects `shop.marts.*`), a prefix of dot-separated parts with a
wildcard matching the rest; `path` as a glob relative to the project root, matching a node's
file, a folder above it or the YAML that describes it.

Tests take part in matching (a test name, `resource_type:test`, `x+` reaching tests) but the
result's `nodes` holds executable nodes, ephemeral models and sources only: the planner places
tests by `test_behavior`. As in dbt, a test chosen itself (`tests`: `stg_orders+` reaches the
relationships test to `stg_customers`) runs even when another of its parents is not selected;
one a `--select` chose none of whose parents has a task runs on its own (`explicit_tests`:
`--select resource_type:test` plans a DAG of tests, as `dbt test` would run them).
Tests an exclusion removes (`--exclude <test>`, `exclude:` in a YAML selector) are returned as
`excluded_tests`, so the planner drops them, as dbt drops an excluded test its indirect
selection would have run. Ephemeral models are selectable because, as with
dbt's `cautious` indirect selection, a test on one runs only when the model is selected.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline_kit.errors import PipelineKitError
from pipeline_kit.graph.manifest import Manifest, ManifestNode

_TERM = re.compile(r"^(?P<at>@)?(?:(?P<up>\d*)\+)?(?P<body>.+?)(?:\+(?P<down>\d*))?$")
_METHODS = (
    "path",
    "file",
    "tag",
    "fqn",
    "resource_type",
    "package",
    "source",
    "config.materialized",
    "selector",
)
_WILDCARDS = ("*", "?", "[", "]")


class SelectionError(PipelineKitError):
    pass


@dataclass(frozen=True)
class Selection:
    nodes: frozenset[str]  # models (ephemeral too), seeds, snapshots and sources
    tests: frozenset[str]  # tests chosen themselves (by name, method or a graph operator)
    explicit_tests: frozenset[str]  # of those, the ones a --select chose (none without --select)
    excluded_tests: frozenset[str]  # tests and unit tests an exclusion removed


def resolve_selection(
    manifest: Manifest,
    select: Sequence[str] = (),
    exclude: Sequence[str] = (),
    selector: str | None = None,
) -> Selection:
    """What `--select`, `--exclude` and `--selector` choose (every node when nothing given)."""
    graph = _Graph(manifest)
    if selector is not None:
        chosen = graph.yaml_selector(selector, f"--selector {selector!r}")
    else:
        chosen = graph.matchable
    if select:
        chosen = chosen & graph.union(select, "--select")
    if exclude:
        chosen = graph.subtract(chosen, graph.union(exclude, "--exclude"))
    tests = chosen & graph.tests
    explicit = tests if select else frozenset()
    return Selection(chosen & graph.universe, tests, explicit, frozenset(graph.excluded_tests))


def select_nodes(
    manifest: Manifest,
    select: Sequence[str] = (),
    exclude: Sequence[str] = (),
    selector: str | None = None,
) -> frozenset[str]:
    """Unique ids of the selected models (ephemeral ones too), seeds, snapshots and sources (all
    when nothing given)."""
    return resolve_selection(manifest, select, exclude, selector).nodes


def check_selectors(manifest: Manifest, uids: Iterable[str]) -> None:
    """Fail when a node's task selector, whose `?` stand for characters dbt's command line would
    split on, also selects another node: a task would build or test that one too."""
    graph: _Graph | None = None
    for uid in sorted(uids):
        node = manifest.nodes[uid]
        if not node.selector_has_stand_ins:
            continue
        graph = graph or _Graph(manifest)
        selector = node.dbt_selector
        others = sorted(graph.union([selector], f"selector of {uid}") - {uid})
        if others:
            raise SelectionError(
                f"{uid}: no dbt selector picks this node alone: {selector!r} (with `?` for spaces, "
                f"commas and pluses) also selects {', '.join(others)}; rename its folder or file"
            )


class _Graph:
    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest
        self.children = manifest.children()
        self.universe = frozenset(
            uid
            for uid, node in manifest.nodes.items()
            if node.is_executable or node.is_ephemeral or node.resource_type == "source" or node.is_external
        )
        self.tests = frozenset(uid for uid, node in manifest.nodes.items() if node.is_test)
        self.matchable = self.universe | self.tests
        self.excluded_tests: set[str] = set()
        self._resolving: list[str] = []

    def subtract(self, chosen: frozenset[str], excluded: frozenset[str]) -> frozenset[str]:
        # As dbt expands an --exclude like a --select: with cautious indirect selection a test all
        # of whose nodes are excluded is excluded too (`--exclude source:app` drops its tests).
        excluded = excluded | {
            uid
            for uid in self.tests - excluded
            if (parents := set(self.manifest.nodes[uid].depends_on)) and parents <= excluded
        }
        self.excluded_tests |= excluded & self.tests
        return chosen - excluded

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
        return frozenset(result) & self.matchable

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
        if method == "package" and value == "this":  # dbt's alias for the root project
            value = self.manifest.project_name
        matcher = _matcher(method, value, where)
        return frozenset(uid for uid in self.matchable if matcher(self.manifest.nodes[uid]))

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
        result: frozenset[str] = parts[0] if parts else frozenset()
        for part in parts[1:]:
            result = result | part if union else result & part
        return self.subtract(result, frozenset(excluded))

    def _method_definition(self, spec: Mapping[str, Any], where: str) -> frozenset[str]:
        method, value = str(spec["method"]), str(spec.get("value", ""))
        base = self.yaml_selector(value, where) if method == "selector" else self.method(method, value, where)
        up = str(spec.get("parents_depth", "")) if spec.get("parents") else None
        down = str(spec.get("children_depth", "")) if spec.get("children") else None
        result = self.expand(base, up, down, bool(spec.get("childrens_parents")))
        for excluded in spec.get("exclude", []) or []:
            result = self.subtract(result, self.definition(excluded, where))
        return result


def _split_method(body: str) -> tuple[str, str]:
    if ":" in body:
        method, value = body.split(":", 1)
        return method, value
    if "/" in body:
        return "path", body
    if body.lower().endswith((".sql", ".csv", ".py")):
        return "file", body
    return "fqn", body


def _matcher(method: str, value: str, where: str) -> Callable[[ManifestNode], bool]:
    if method == "tag":
        return lambda node: any(fnmatch.fnmatchcase(tag, value) for tag in node.tags)
    if method == "path":
        return lambda node: _path_matches(node, value)
    if method == "file":
        return lambda node: _file_matches(node.path, value)
    if method == "fqn":
        return lambda node: (
            node.resource_type != "source"
            and (
                _fqn_selects(node.fqn, value, node.is_versioned)
                or _fqn_selects(node.fqn[1:], value, node.is_versioned)  # any package's node
            )
        )
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


def _fqn_selects(fqn: Sequence[str], selector: str, versioned: bool) -> bool:
    """dbt's fqn rule: the leaf (for a versioned model the name, or name and version joined by
    `_` or `.`) equals the selector, or the selector's dot-separated parts are a prefix of the
    fqn's (dots inside a part split it too); from the first part with a wildcard on, the rest
    of the selector is matched against the rest of the fqn, and a bare wildcard against the leaf."""
    if len(fqn) < (2 if versioned else 1):
        return False
    parts = selector.split(".")
    if versioned:
        if fqn[-2] == selector or "_".join(fqn[-2:]) == "_".join(parts[-2:]):
            return True
    elif fqn[-1] == selector:
        return True
    flat = [piece for segment in fqn for piece in segment.split(".")]
    if len(flat) < len(parts):
        return False
    for index, part in enumerate(parts):
        if any(wildcard in part for wildcard in _WILDCARDS):
            if fnmatch.fnmatchcase(".".join(flat[index:]), ".".join(parts[index:])):
                return True
            return "." not in selector and fnmatch.fnmatchcase(fqn[-2] if versioned else fqn[-1], selector)
        if flat[index] != part:
            return False
    return True


def _path_matches(node: ManifestNode, pattern: str) -> bool:
    """dbt globs `pattern` under the project root and selects a node whose file, a folder above
    it, or the YAML that patches it is among the matches."""
    wanted = [part for part in pattern.strip("/").split("/") if part not in ("", ".")]
    candidates = [node.path, node.patch_path]
    folder = posixpath.dirname(node.path)
    while folder:
        candidates.append(folder)
        folder = posixpath.dirname(folder)
    return any(_glob_parts(candidate.split("/"), wanted) for candidate in candidates if candidate)


def _glob_parts(path: list[str], pattern: list[str]) -> bool:
    if not pattern:
        return not path
    if pattern[0] == "**":
        return any(_glob_parts(path[index:], pattern[1:]) for index in range(len(path) + 1))
    return bool(path) and fnmatch.fnmatchcase(path[0], pattern[0]) and _glob_parts(path[1:], pattern[1:])


def _file_matches(path: str, pattern: str) -> bool:
    name = posixpath.basename(path)
    stem = posixpath.splitext(name)[0]
    return bool(name) and (fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(stem, pattern))


def _source_matches(node: ManifestNode, value: str) -> bool:
    parts = value.split(".")
    candidates = [node.source_name, node.name] if len(parts) <= 2 else [node.package_name, node.source_name]
    candidates += [node.name] if len(parts) == 3 else []
    return all(fnmatch.fnmatchcase(have, want) for have, want in zip(candidates, parts, strict=False))
