"""Selected manifest nodes → tasks (each one dbt invocation) and the edges between them.

Edges between nodes come from the manifest, passing through whatever is not a task (ephemeral
models, unselected nodes, sources without a freshness task). Grouped tasks get the group-level
edges, transitively reduced; a grouping that creates a cycle is an error, not a silent merge.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any
from urllib.parse import quote

from pipeline_kit.errors import PipelineKitError
from pipeline_kit.graph.dag_math import topological_order, transitive_reduction
from pipeline_kit.graph.manifest import Manifest, ManifestNode
from pipeline_kit.graph.selection import select_nodes
from pipeline_kit.graph.task_settings import dag_key_of, merge_settings, safe_id


class Granularity(str, Enum):
    NODE = "node"
    GROUP = "group"
    ALL = "all"


class TestBehavior(str, Enum):
    __test__ = False  # not a pytest class
    AFTER_EACH = "after_each"
    BUILD = "build"
    AFTER_ALL = "after_all"
    NONE = "none"


class GroupBy(str, Enum):
    FOLDER = "folder"
    TAG = "tag"
    META = "meta"


@dataclass(frozen=True)
class PlanOptions:
    granularity: Granularity = Granularity.NODE
    test_behavior: TestBehavior = TestBehavior.AFTER_EACH
    group_by: GroupBy = GroupBy.FOLDER
    group_meta_key: str = "group"
    source_freshness: bool = False
    split_tags: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    selector: str | None = None
    asset_uri_prefix: str = "dbt://"


@dataclass(frozen=True)
class Task:
    task_id: str
    dag_key: str
    dbt_args: tuple[str, ...]
    node_ids: tuple[str, ...]
    settings: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    outlets: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskPlan:
    """Tasks in a deterministic topological order; `upstream` lists same-DAG dependencies only."""

    tasks: tuple[Task, ...]
    upstream: Mapping[str, tuple[str, ...]]
    dag_keys: tuple[str, ...]
    dag_inlets: Mapping[str, tuple[str, ...]]

    def by_id(self) -> dict[str, Task]:
        return {task.task_id: task for task in self.tasks}


_VERBS = {"model": "run", "seed": "seed", "snapshot": "snapshot"}
_CAUTIOUS = ("--indirect-selection", "cautious")


def plan_tasks(manifest: Manifest, options: PlanOptions) -> TaskPlan:
    selected = select_nodes(manifest, options.select, options.exclude, options.selector)
    nodes = manifest.nodes
    runnable = {uid for uid in selected if nodes[uid].is_executable}
    if not runnable:
        raise PipelineKitError("the selection contains no model, seed or snapshot")
    fresh = set()
    if options.source_freshness:
        fresh = {
            p for uid in runnable for p in nodes[uid].depends_on if p in nodes and nodes[p].has_freshness
        }
        fresh |= {uid for uid in selected if nodes[uid].has_freshness}
    node_parents = _nearest_task_parents(manifest, runnable | fresh)
    builder = _Builder(manifest, options, runnable)
    builder.add_node_tasks(node_parents, fresh)
    builder.add_test_tasks()
    return builder.finish()


def _nearest_task_parents(manifest: Manifest, members: set[str]) -> dict[str, set[str]]:
    """For each member, the closest members upstream of it, looking through non-members."""
    upstream = {
        uid: [p for p in node.depends_on if p in manifest.nodes]
        for uid, node in manifest.nodes.items()
        if node.resource_type != "test"
    }
    order = topological_order(upstream, "manifest nodes")
    reach: dict[str, set[str]] = {}
    for uid in order:
        found: set[str] = set()
        for parent in upstream[uid]:
            found |= {parent} if parent in members else reach[parent]
        reach[uid] = found
    return {uid: reach[uid] for uid in members}


class _Builder:
    def __init__(self, manifest: Manifest, options: PlanOptions, runnable: set[str]) -> None:
        self.manifest = manifest
        self.options = options
        self.runnable = runnable
        self.taken: set[str] = set()
        self.tasks: dict[str, Task] = {}
        self.task_of: dict[str, str] = {}  # node unique id → task id
        self.upstream: dict[str, set[str]] = defaultdict(set)
        self.downstream: dict[str, set[str]] = defaultdict(set)  # filled once tests are placed
        self.dag_of_node = {uid: dag_key_of(manifest.nodes[uid], options.split_tags) for uid in runnable}

    def add_node_tasks(self, node_parents: Mapping[str, set[str]], fresh: set[str]) -> None:
        units: dict[tuple[str, str], list[str]] = defaultdict(list)
        for uid in sorted(self.runnable):
            units[(self.dag_of_node[uid], self._group_of(self.manifest.nodes[uid]))].append(uid)
        for (dag_key, group), members in sorted(units.items()):
            self._add_unit(dag_key, group, members)
        self._add_freshness(fresh, node_parents)
        for uid, parents in node_parents.items():
            child = self.task_of[uid]
            for parent in parents:
                if self.task_of[parent] != child:
                    self.upstream[child].add(self.task_of[parent])

    def _group_of(self, node: ManifestNode) -> str:
        granularity, group_by = self.options.granularity, self.options.group_by
        if granularity is Granularity.NODE:
            return node.unique_id
        if granularity is Granularity.ALL:
            return "all"
        if group_by is GroupBy.FOLDER:
            return os.path.dirname(node.path) or "."
        if group_by is GroupBy.TAG:
            return node.tags[0] if node.tags else "untagged"
        value = node.meta.get(self.options.group_meta_key)
        return str(value) if value not in (None, "") else "ungrouped"

    def _add_unit(self, dag_key: str, group: str, members: list[str]) -> None:
        nodes = [self.manifest.nodes[uid] for uid in members]
        behavior = self.options.test_behavior
        if self.options.granularity is Granularity.NODE:
            node = nodes[0]
            name = node.name
            if behavior is TestBehavior.BUILD:
                args: tuple[str, ...] = ("build", "--select", node.dbt_selector, *_CAUTIOUS)
            else:
                args = (_VERBS[node.resource_type], "--select", node.dbt_selector)
        else:
            name = "dbt_build" if group == "all" else group.replace("/", ".").replace("\\", ".")
            args = ("build", "--select", *(node.dbt_selector for node in nodes))
            if behavior in (TestBehavior.AFTER_ALL, TestBehavior.NONE):
                args += ("--exclude-resource-type", "test")
            else:
                args += _CAUTIOUS
        task_id = safe_id(name, f"{dag_key}/{group}", self.taken)
        outlets = tuple(self._asset_uri(node) for node in nodes)
        settings = merge_settings(nodes, task_id)
        self.tasks[task_id] = Task(task_id, dag_key, args, tuple(members), settings, outlets)
        for uid in members:
            self.task_of[uid] = task_id

    def _asset_uri(self, node: ManifestNode) -> str:
        parts = (node.database, node.schema, node.alias)
        return self.options.asset_uri_prefix + "/".join(
            quote((part or "_").encode("utf-8", "surrogatepass"), safe="") for part in parts
        )

    def _add_freshness(self, fresh: set[str], node_parents: Mapping[str, set[str]]) -> None:
        if not fresh:
            return
        per_node = self.options.granularity is Granularity.NODE
        consumers: dict[str, set[str]] = defaultdict(set)  # source → DAGs using it
        for uid, parents in node_parents.items():
            for parent in parents & fresh:
                consumers[parent].add(self.dag_of_node.get(uid, ""))
        by_dag: dict[str, list[str]] = defaultdict(list)
        for source in sorted(fresh):
            for dag_key in sorted(consumers[source] or {""}):
                by_dag[dag_key].append(source)
        for dag_key, sources in sorted(by_dag.items()):
            chunks = [[s] for s in sources] if per_node else [sources]
            for chunk in chunks:
                nodes = [self.manifest.nodes[uid] for uid in chunk]
                name = f"freshness.{nodes[0].source_name}.{nodes[0].name}" if per_node else "source_freshness"
                task_id = safe_id(name, f"{dag_key}/{chunk[0]}", self.taken)
                args = ("source", "freshness", "--select", *(node.dbt_selector for node in nodes))
                self.tasks[task_id] = Task(task_id, dag_key, args, tuple(chunk))
                for uid in chunk:
                    self.task_of.setdefault(uid, task_id)

    def add_test_tasks(self) -> None:
        behavior = self.options.test_behavior
        if behavior is TestBehavior.NONE:
            return
        for child, parents in self.upstream.items():
            for parent in parents:
                self.downstream[parent].add(child)
        tests_by_parents: dict[tuple[str, ...], list[ManifestNode]] = defaultdict(list)
        for node in self.manifest.nodes.values():
            if node.resource_type != "test":
                continue
            parents = {p for p in node.depends_on if p in self.manifest.nodes and self._is_task_node(p)}
            if not parents or not parents <= self.runnable:
                continue  # cautious: a test runs only when all the nodes it checks are built
            tests_by_parents[tuple(sorted({self.task_of[p] for p in parents}))].append(node)
        if behavior is TestBehavior.AFTER_ALL:
            self._add_final_tests([test for tests in tests_by_parents.values() for test in tests])
            return
        # Single-parent tests first: they re-route the parent's downstream edges through themselves.
        for parent_tasks, tests in sorted(
            tests_by_parents.items(), key=lambda item: (len(item[0]) > 1, item[0])
        ):
            single = len(parent_tasks) == 1
            if single and (
                self.options.granularity is not Granularity.NODE or behavior is TestBehavior.BUILD
            ):
                continue  # already run by the parent's `dbt build`
            self._add_test_task(parent_tasks, tests, blocking=single)

    def _is_task_node(self, uid: str) -> bool:
        node = self.manifest.nodes[uid]
        return node.resource_type not in {"source", "test"}

    def _add_test_task(
        self, parent_tasks: tuple[str, ...], tests: list[ManifestNode], blocking: bool
    ) -> None:
        dag_key = max(self.tasks[t].dag_key for t in parent_tasks)
        name = f"{parent_tasks[0]}.test" if blocking else "test." + "__".join(parent_tasks)
        task_id = safe_id(name, "tests:" + "|".join(parent_tasks), self.taken)
        selectors = sorted(test.dbt_selector for test in tests)
        self.tasks[task_id] = Task(task_id, dag_key, ("test", "--select", *selectors), ())
        if blocking:
            # Downstream tasks wait for the parent's tests, as `dbt build` would.
            parent = parent_tasks[0]
            for child in self.downstream.pop(parent, set()):
                self.upstream[child].discard(parent)
                self.upstream[child].add(task_id)
                self.downstream[task_id].add(child)
        self.upstream[task_id] |= set(parent_tasks)
        for parent in parent_tasks:
            self.downstream[parent].add(task_id)

    def _add_final_tests(self, tests: list[ManifestNode]) -> None:
        by_dag: dict[str, list[ManifestNode]] = defaultdict(list)
        for test in tests:
            parents = [p for p in test.depends_on if p in self.task_of]
            by_dag[max(self.tasks[self.task_of[p]].dag_key for p in parents)].append(test)
        for dag_key, dag_tests in sorted(by_dag.items()):
            task_id = safe_id("dbt_test", f"tests:{dag_key}", self.taken)
            selectors = sorted(test.dbt_selector for test in dag_tests)
            self.tasks[task_id] = Task(task_id, dag_key, ("test", "--select", *selectors), ())
            self.upstream[task_id] |= {t for t, task in self.tasks.items() if task.dag_key == dag_key} - {
                task_id
            }

    def finish(self) -> TaskPlan:
        upstream = {task_id: self.upstream.get(task_id, set()) for task_id in self.tasks}
        order = topological_order(upstream, "tasks (a grouping merged nodes into a cycle)")
        if self.options.granularity is not Granularity.NODE or self.options.test_behavior in (
            TestBehavior.AFTER_ALL,
        ):
            reduced = transitive_reduction(order, upstream)
        else:
            reduced = {task_id: sorted(ups) for task_id, ups in upstream.items()}
        same_dag: dict[str, tuple[str, ...]] = {}
        inlets: dict[str, set[str]] = defaultdict(set)
        dag_edges: dict[str, set[str]] = defaultdict(set)
        for task_id in order:
            task = self.tasks[task_id]
            local = []
            for parent in reduced[task_id]:
                parent_task = self.tasks[parent]
                if parent_task.dag_key == task.dag_key:
                    local.append(parent)
                else:
                    inlets[task.dag_key] |= set(self._outlets_before(parent))
                    dag_edges[task.dag_key].add(parent_task.dag_key)
            same_dag[task_id] = tuple(sorted(local))
        dag_keys = sorted({task.dag_key for task in self.tasks.values()})
        topological_order({key: dag_edges.get(key, set()) for key in dag_keys}, "DAGs (split by tag or meta)")
        return TaskPlan(
            tasks=tuple(self.tasks[task_id] for task_id in order),
            upstream=same_dag,
            dag_keys=tuple(dag_keys),
            dag_inlets={key: tuple(sorted(inlets.get(key, set()))) for key in dag_keys},
        )

    def _outlets_before(self, task_id: str) -> list[str]:
        """Assets that mark `task_id` done: its own, or for a test task those of what it tests."""
        task = self.tasks[task_id]
        if task.outlets:
            return list(task.outlets)
        return [
            uri for parent in sorted(self.upstream.get(task_id, ())) for uri in self._outlets_before(parent)
        ]
