"""Selected manifest nodes → tasks (each one dbt invocation) and the edges between them.

Edges between nodes come from the manifest, passing through whatever is not a task (ephemeral
models, unselected nodes, sources without a freshness task). Grouped tasks get the group-level
edges, transitively reduced; a grouping that creates a cycle is an error, not a silent merge.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from urllib.parse import quote

from pipeline_kit.errors import PipelineKitError
from pipeline_kit.graph.dag_math import topological_order, transitive_reduction
from pipeline_kit.graph.manifest import Manifest, ManifestNode
from pipeline_kit.graph.plan_types import Granularity, GroupBy, PlanOptions, Task, TaskPlan, TestBehavior
from pipeline_kit.graph.selection import Selection, check_selectors, resolve_selection
from pipeline_kit.graph.source_checks import (
    SourceChecks,
    find_source_tests,
    fresh_sources_read_by,
    plan_source_checks,
)
from pipeline_kit.graph.task_settings import dag_key_of, merge_settings, safe_id
from pipeline_kit.graph.test_edges import TestEdges

__all__ = ["Granularity", "GroupBy", "PlanOptions", "Task", "TaskPlan", "TestBehavior", "plan_tasks"]


_VERBS = {"model": "run", "seed": "seed", "snapshot": "snapshot"}
_CAUTIOUS = ("--indirect-selection", "cautious")
# Unit tests are a resource type of their own (dbt 1.8+), not excluded with `test`.
_NO_TESTS = ("--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")


def plan_tasks(manifest: Manifest, options: PlanOptions) -> TaskPlan:
    selection = resolve_selection(manifest, options.select, options.exclude, options.selector)
    selected = selection.nodes
    nodes = manifest.nodes
    check_selectors(
        manifest,
        selected
        | selection.tests
        | {uid for uid, n in nodes.items() if n.is_test and selected & {*n.depends_on}},
    )
    runnable = {uid for uid in selected if nodes[uid].is_executable}
    source_tests = find_source_tests(manifest, selection, options, _nearest_members(manifest, runnable))
    if not (runnable or source_tests) and (
        not selection.explicit_tests or options.test_behavior is TestBehavior.NONE
    ):
        raise PipelineKitError("the selection contains no model, seed or snapshot (nor a test to run)")
    fresh = set()
    if options.source_freshness:
        fresh = fresh_sources_read_by(manifest, runnable)
        fresh |= {uid for uid in selected if nodes[uid].has_freshness}
        check_selectors(manifest, fresh)  # a source read but not selected has a task of its own
    tested = {uid for parents in source_tests.values() for uid in parents}
    nearest = _nearest_members(manifest, runnable | fresh | tested)
    builder = _Builder(manifest, options, selection, nearest)
    builder.add_node_tasks(fresh, source_tests)
    builder.add_test_tasks()
    return builder.finish()


def _nearest_members(manifest: Manifest, members: set[str]) -> dict[str, set[str]]:
    """For each node but tests, the closest members upstream of it, looking through non-members.
    A test is no node's parent: it builds nothing (a hand-edited manifest may still list one)."""
    upstream = {
        uid: [p for p in node.depends_on if p in manifest.nodes and not manifest.nodes[p].is_test]
        for uid, node in manifest.nodes.items()
        if not node.is_test
    }
    order = topological_order(upstream, "manifest nodes")
    reach: dict[str, set[str]] = {}
    for uid in order:
        found: set[str] = set()
        for parent in upstream[uid]:
            found |= {parent} if parent in members else reach[parent]
        reach[uid] = found
    return reach


class _Builder:
    def __init__(
        self,
        manifest: Manifest,
        options: PlanOptions,
        selection: Selection,
        nearest_members: Mapping[str, set[str]],
    ) -> None:
        self.manifest = manifest
        self.options = options
        self.selected = selection.nodes
        self.chosen_tests = selection.tests
        self.explicit_tests = selection.explicit_tests
        self.excluded_tests = selection.excluded_tests
        self.runnable = {uid for uid in self.selected if manifest.nodes[uid].is_executable}
        self.nearest_members = nearest_members
        self.taken: set[str] = set()
        self.tasks: dict[str, Task] = {}
        self.task_of: dict[str, str] = {}  # node unique id → task id
        self.source_checks = SourceChecks()
        self.upstream: dict[str, set[str]] = defaultdict(set)
        self.downstream: dict[str, set[str]] = defaultdict(set)  # filled once tests are placed
        self.dag_of_node = {uid: dag_key_of(manifest.nodes[uid], options.split_tags) for uid in self.runnable}
        per_node = options.granularity is Granularity.NODE
        self.test_edges = TestEdges(manifest, self.task_of, nearest_members, per_node)

    def add_node_tasks(self, fresh: set[str], source_tests: Mapping[str, tuple[str, ...]]) -> None:
        units: dict[tuple[str, str], list[str]] = defaultdict(list)
        for uid in sorted(self.runnable):
            units[(self.dag_of_node[uid], self._group_of(self.manifest.nodes[uid]))].append(uid)
        for (dag_key, group), members in sorted(units.items()):
            self._add_unit(dag_key, group, members)
        node_parents = {uid: self.nearest_members[uid] for uid in self.runnable | fresh}
        readers: dict[str, set[str]] = defaultdict(set)  # node → the DAGs whose tasks read it
        for uid, parents in node_parents.items():
            for parent in parents:
                readers[parent].add(self.dag_of_node.get(uid, ""))
        checks = plan_source_checks(
            self.manifest,
            self.options,
            fresh=fresh,
            source_tests=source_tests,
            readers=readers,
            nearest_members=self.nearest_members,
            taken=self.taken,
        )
        self.source_checks = checks
        self.tasks.update(checks.tasks)
        for task_id, parents in checks.upstream.items():
            self.upstream[task_id] |= parents
        for uid, parents in node_parents.items():
            child = self.task_of.get(uid)
            if child is None:
                continue  # a fresh source: its tasks are the checks' own
            dag_key = self.tasks[child].dag_key
            for parent in parents:
                self.upstream[child] |= self._waits_for(dag_key, parent, set()) - {child}

    def _waits_for(self, dag_key: str, uid: str, seen: set[str]) -> set[str]:
        """The tasks a reader of `uid` in `dag_key` waits for. A source checked in several DAGs has
        its freshness and test tasks in each: this DAG's. A member with neither checks nor a task
        (a tested ephemeral model whose tests run at the end, with `after_all`) stands for what it
        reads: its reader waits for what it would have waited for, such as a freshness task."""
        waits = self.source_checks.waits_for(dag_key, uid)
        if waits:
            return waits
        if uid in self.task_of:
            return {self.task_of[uid]}
        seen.add(uid)
        for upstream_uid in self.nearest_members.get(uid, set()) - seen:
            waits |= self._waits_for(dag_key, upstream_uid, seen)
        return waits

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
                args += self._exclude_tests_of({node.unique_id})
            elif node.resource_type == "function":
                # only `dbt build` creates a function (`dbt run` skips it); its tests have tasks
                args = ("build", "--select", node.dbt_selector, *_NO_TESTS)
            else:
                args = (_VERBS[node.resource_type], "--select", node.dbt_selector)
        else:
            name = "dbt_build" if group == "all" else group.replace("/", ".").replace("\\", ".")
            args = ("build", "--select", *(node.dbt_selector for node in nodes))
            if behavior in (TestBehavior.AFTER_ALL, TestBehavior.NONE):
                args += _NO_TESTS
            else:
                args += (*_CAUTIOUS, *self._exclude_tests_of(set(members)))
        task_id = safe_id(name, f"{dag_key}/{group}", self.taken)
        outlets = tuple(self._asset_uri(node) for node in nodes)
        settings = merge_settings(nodes, task_id)
        self.tasks[task_id] = Task(task_id, dag_key, args, tuple(members), settings, outlets)
        for uid in members:
            self.task_of[uid] = task_id

    def _exclude_tests_of(self, members: set[str]) -> tuple[str, ...]:
        """`--exclude` for the excluded tests a `dbt build` of `members` would otherwise run."""
        selectors = sorted(
            self.manifest.nodes[uid].dbt_selector
            for uid in self.excluded_tests
            if members & set(self.manifest.nodes[uid].depends_on)
        )
        return ("--exclude", *selectors) if selectors else ()

    def _asset_uri(self, node: ManifestNode) -> str:
        parts = (node.database, node.schema, node.alias)
        return self.options.asset_uri_prefix + "/".join(
            quote((part or "_").encode("utf-8", "surrogatepass"), safe="") for part in parts
        )

    def add_test_tasks(self) -> None:
        behavior = self.options.test_behavior
        if behavior is TestBehavior.NONE:
            return
        placed = [
            (self._tasks_checked_by(node), node)
            for node in self.manifest.nodes.values()
            if node.is_test
            and node.unique_id not in self.excluded_tests
            and node.unique_id not in self.source_checks.final_dag
        ]
        self._add_standalone_tests(
            [
                test
                for parent_tasks, test in placed
                if not parent_tasks and test.unique_id in self.explicit_tests
            ]
        )
        placed = [(parent_tasks, test) for parent_tasks, test in placed if parent_tasks]
        if behavior is TestBehavior.AFTER_ALL:
            self._add_final_tests(placed)
            return
        unit_tests: dict[str, list[ManifestNode]] = defaultdict(list)
        tests_by_parents: dict[tuple[str, ...], list[ManifestNode]] = defaultdict(list)
        for parent_tasks, test in placed:
            if self._run_by_parent_build(parent_tasks, test):
                continue
            if (
                test.resource_type == "unit_test"
                and len(parent_tasks) == 1
                and set(test.depends_on) <= self.runnable
            ):
                # before its model's task; one on an ephemeral model goes after what that model
                # reads, like a data test on it (there is no task of the model to precede)
                unit_tests[parent_tasks[0]].append(test)
            else:
                tests_by_parents[parent_tasks].append(test)
        for model_task, tests in sorted(unit_tests.items()):
            self._add_unit_test_task(model_task, tests)
        for child, parents in self.upstream.items():
            for parent in parents:
                self.downstream[parent].add(child)
        # Single-parent tests first: they re-route the parent's downstream edges through themselves.
        for parent_tasks, tests in sorted(
            tests_by_parents.items(), key=lambda item: (len(item[0]) > 1, item[0])
        ):
            self._add_test_task(parent_tasks, tests, blocking=len(parent_tasks) == 1)

    def _tasks_checked_by(self, test: ManifestNode) -> tuple[str, ...]:
        """The tasks a test waits for; none when it is not scheduled.

        As with dbt's `cautious` indirect selection, a test runs only when every node it checks
        is selected, unless the selection chose the test itself (dbt runs it then, against what
        is in the warehouse); sources need no task. An ephemeral model is compiled into the
        test's query, so a test on one waits for the tasks building what the model reads.
        """
        chosen = test.unique_id in self.chosen_tests
        parent_tasks: set[str] = set()
        for uid in test.depends_on:
            parent = self.manifest.nodes.get(uid)
            if parent is None or parent.resource_type == "source" or parent.is_external:
                continue
            if uid in self.runnable:
                parent_tasks.add(self.task_of[uid])
            elif parent.is_ephemeral and uid in self.selected:
                # data and unit tests alike: `dbt build` runs a unit test on an ephemeral model
                # once what the model reads is built, before the model's readers
                parent_tasks |= {self.task_of[up] for up in self.nearest_members[uid] & self.runnable}
            elif not chosen:
                return ()
        return tuple(sorted(parent_tasks))

    def _run_by_parent_build(self, parent_tasks: tuple[str, ...], test: ManifestNode) -> bool:
        """Whether the parent task's `dbt build --indirect-selection cautious` runs the test: only
        when that build selects every node the test depends on, sources and ephemeral models too."""
        if len(parent_tasks) != 1:
            return False
        if (
            self.options.granularity is Granularity.NODE
            and self.options.test_behavior is not TestBehavior.BUILD
        ):
            return False  # `dbt run`, `seed` or `snapshot` runs no test
        return set(test.depends_on) <= set(self.tasks[parent_tasks[0]].node_ids)

    def _add_unit_test_task(self, model_task: str, tests: list[ManifestNode]) -> None:
        """Unit tests run between the model's parents and the model, as in `dbt build`: they need
        the parents' relations for column types, and a failing one stops the model from building."""
        task_id = safe_id(f"{model_task}.unit_test", "unit_tests:" + model_task, self.taken)
        selectors = sorted(test.dbt_selector for test in tests)
        self.tasks[task_id] = Task(
            task_id, self.tasks[model_task].dag_key, ("test", "--select", *selectors), ()
        )
        self.upstream[task_id] = self.upstream.pop(model_task, set())
        self.upstream[model_task] = {task_id}

    def _add_test_task(
        self, parent_tasks: tuple[str, ...], tests: list[ManifestNode], blocking: bool
    ) -> None:
        dag_key = max(self.tasks[t].dag_key for t in parent_tasks)
        name = f"{parent_tasks[0]}.test" if blocking else "test." + "__".join(parent_tasks)
        task_id = safe_id(name, "tests:" + "|".join(parent_tasks), self.taken)
        selectors = sorted(test.dbt_selector for test in tests)
        self.tasks[task_id] = Task(task_id, dag_key, ("test", "--select", *selectors), ())
        if blocking:
            # Downstream tasks wait for the parent's tests, as `dbt build` would; so do other
            # DAGs: the parent's assets move to the test task, whose success alone emits them.
            parent = parent_tasks[0]
            self.tasks[task_id] = replace(self.tasks[task_id], outlets=self.tasks[parent].outlets)
            self.tasks[parent] = replace(self.tasks[parent], outlets=())
            for child in self.downstream.pop(parent, set()):
                self.upstream[child].discard(parent)
                self.upstream[child].add(task_id)
                self.downstream[task_id].add(child)
        self.upstream[task_id] |= set(parent_tasks)
        for parent in parent_tasks:
            self.downstream[parent].add(task_id)
        if not blocking:  # as in `dbt build`, what reads every node tested waits (but for a cycle)
            for child in self.test_edges.tasks_waiting(tests, task_id, self.upstream):
                self.upstream[child].add(task_id)
                self.downstream[task_id].add(child)

    def _add_standalone_tests(self, tests: list[ManifestNode]) -> None:
        """Tests a --select chose whose parents have no task here: they run against the warehouse
        as it is, as `dbt test --select` would (one task per test in node mode, else one)."""
        if not tests:
            return
        chunks = [[test] for test in tests] if self.options.granularity is Granularity.NODE else [tests]
        for chunk in sorted(chunks, key=lambda items: items[0].unique_id):
            name = chunk[0].name if len(chunk) == 1 else "selected_tests"
            task_id = safe_id(name, "standalone:" + chunk[0].unique_id, self.taken)
            selectors = sorted(test.dbt_selector for test in chunk)
            self.tasks[task_id] = Task(task_id, "", ("test", "--select", *selectors), ())

    def _add_final_tests(self, placed: list[tuple[tuple[str, ...], ManifestNode]]) -> None:
        by_dag: dict[str, list[ManifestNode]] = defaultdict(list)
        parents_by_dag: dict[str, set[str]] = defaultdict(set)
        for test_id, dag_key in sorted(self.source_checks.final_dag.items()):
            by_dag[dag_key].append(self.manifest.nodes[test_id])
        for parent_tasks, test in placed:
            dag_key = max(self.tasks[task_id].dag_key for task_id in parent_tasks)
            by_dag[dag_key].append(test)
            parents_by_dag[dag_key] |= set(parent_tasks)
        for dag_key, dag_tests in sorted(by_dag.items()):
            task_id = safe_id("dbt_test", f"tests:{dag_key}", self.taken)
            selectors = sorted(test.dbt_selector for test in dag_tests)
            same_dag = {t for t, task in self.tasks.items() if task.dag_key == dag_key}
            self.tasks[task_id] = Task(task_id, dag_key, ("test", "--select", *selectors), ())
            # Parents in another (split) DAG too: without them a test could run before they are built.
            self.upstream[task_id] |= same_dag | parents_by_dag[dag_key]

    def finish(self) -> TaskPlan:
        upstream = {task_id: self.upstream.get(task_id, set()) for task_id in self.tasks}
        order = topological_order(upstream, "tasks (a grouping merged nodes into a cycle)")
        options = self.options
        if options.granularity is not Granularity.NODE or options.test_behavior is TestBehavior.AFTER_ALL:
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
