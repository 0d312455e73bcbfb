"""Checks that run before the models reading a source: `dbt source freshness` tasks and tests on
sources alone, placed as `dbt build` runs them.

A "source-level" node is a selected source, or a selected ephemeral model that no node built by
the plan feeds (it reads sources, or nodes left out of the selection). `dbt build` runs a test on
such nodes before their children, and a failing one stops them; the plan does the same with a
test task per set of source-level nodes (one per DAG in group and all modes) in every DAG that
reads them, after the freshness tasks of the sources behind them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from pipeline_kit.graph.manifest import Manifest
from pipeline_kit.graph.plan_types import Granularity, PlanOptions, Task, TestBehavior
from pipeline_kit.graph.selection import Selection
from pipeline_kit.graph.task_settings import safe_id


def fresh_sources_read_by(manifest: Manifest, runnable: set[str]) -> set[str]:
    """Sources with a freshness rule that the runnable nodes read, directly or through ephemeral
    models (compiled into the reader's query, so the reader reads the source itself)."""
    found: set[str] = set()
    seen: set[str] = set()
    pending = [parent for uid in runnable for parent in manifest.nodes[uid].depends_on]
    while pending:
        uid = pending.pop()
        node = manifest.nodes.get(uid)
        if uid in seen or node is None:
            continue
        seen.add(uid)
        if node.has_freshness:
            found.add(uid)
        elif node.is_ephemeral:
            pending.extend(node.depends_on)
    return found


def find_source_tests(
    manifest: Manifest, selection: Selection, options: PlanOptions, fed_by_tasks: Mapping[str, set[str]]
) -> dict[str, tuple[str, ...]]:
    """Data tests on source-level nodes alone, and unit tests on source-level ephemeral models
    (test → those nodes); none with `source_tests` off or no tests at all. `fed_by_tasks`: for
    each node, the built nodes upstream of it."""
    if not options.source_tests or options.test_behavior is TestBehavior.NONE:
        return {}

    def source_level(uid: str) -> bool:
        node = manifest.nodes.get(uid)
        if node is None or uid not in selection.nodes:
            return False
        return (
            node.resource_type == "source"
            or node.is_external
            or (node.is_ephemeral and not fed_by_tasks[uid])
        )

    found = {}
    for uid, node in manifest.nodes.items():
        if not node.is_test or uid in selection.excluded_tests:
            continue
        parents = tuple(sorted(set(node.depends_on)))
        if parents and all(source_level(parent) for parent in parents):
            found[uid] = parents
    return found


@dataclass
class SourceChecks:
    """What the checks add to a plan: tasks and their upstream, and which task a reader of a
    source-level node waits for in its DAG."""

    tasks: dict[str, Task] = field(default_factory=dict)
    upstream: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    freshness_task: dict[tuple[str, str], str] = field(default_factory=dict)  # (DAG, source) → task
    gates: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))  # (DAG, node)
    final_dag: dict[str, str] = field(default_factory=dict)  # test → DAG of its after_all run

    def waits_for(self, dag_key: str, uid: str) -> set[str]:
        """The tasks a reader of `uid` in `dag_key` waits for (none: look through it)."""
        gates = self.gates.get((dag_key, uid))
        if gates:
            return set(gates)
        freshness = self.freshness_task.get((dag_key, uid))
        return {freshness} if freshness else set()


def plan_source_checks(
    manifest: Manifest,
    options: PlanOptions,
    *,
    fresh: set[str],
    source_tests: Mapping[str, tuple[str, ...]],
    readers: Mapping[str, set[str]],
    nearest_members: Mapping[str, set[str]],
    taken: set[str],
) -> SourceChecks:
    """`readers`: source or source-level node → the DAGs whose tasks read it; `nearest_members`:
    for each node, the closest fresh, tested or built nodes upstream of it (for a tested
    source-level node: what its tests wait for)."""
    checks = SourceChecks()
    per_node = options.granularity is Granularity.NODE
    tested = {uid for parents in source_tests.values() for uid in parents}
    behind = {uid: nearest_members[uid] for uid in tested}
    dags = _check_dags(fresh | tested, readers, behind, source_tests)
    by_dag: dict[str, list[str]] = defaultdict(list)
    for source in sorted(fresh):
        for dag_key in sorted(dags[source]):
            by_dag[dag_key].append(source)
    for dag_key, sources in sorted(by_dag.items()):
        for chunk in [[s] for s in sources] if per_node else [sources]:
            nodes = [manifest.nodes[uid] for uid in chunk]
            name = f"freshness.{nodes[0].source_name}.{nodes[0].name}" if per_node else "source_freshness"
            task_id = safe_id(name, f"{dag_key}/{chunk[0]}", taken)
            args = ("source", "freshness", "--select", *(node.dbt_selector for node in nodes))
            checks.tasks[task_id] = Task(task_id, dag_key, args, tuple(chunk))
            for uid in chunk:
                checks.freshness_task[(dag_key, uid)] = task_id
    chunks: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
    for test, parents in sorted(source_tests.items()):
        test_dags = set().union(*(dags[parent] for parent in parents))
        checks.final_dag[test] = min(test_dags)
        for dag_key in test_dags:
            chunks[(dag_key, parents if per_node else ())].append(test)
    if options.test_behavior is TestBehavior.AFTER_ALL:
        return checks  # the tests join the final test task, which blocks nothing
    for (dag_key, chunk_parents), tests in sorted(chunks.items()):
        parents = chunk_parents or tuple(sorted({p for test in tests for p in source_tests[test]}))
        labels = [_label(manifest, uid) for uid in parents]
        name = "source_test." + "__".join(labels) if chunk_parents else "source_tests"
        task_id = safe_id(name, f"source_tests:{dag_key}/{'|'.join(parents)}", taken)
        selectors = sorted(manifest.nodes[test].dbt_selector for test in tests)
        checks.tasks[task_id] = Task(task_id, dag_key, ("test", "--select", *selectors), ())
        for parent in parents:
            checks.gates[(dag_key, parent)].add(task_id)
    # once every gate exists: each waits for the freshness of what it tests and for the checks
    # of the nodes behind it (the sources a tested ephemeral model reads)
    for (dag_key, parent), gate_tasks in list(checks.gates.items()):
        needed = (
            {checks.freshness_task[(dag_key, parent)]}
            if (dag_key, parent) in checks.freshness_task
            else set()
        )
        for upstream_uid in behind.get(parent, set()):
            needed |= checks.waits_for(dag_key, upstream_uid)
        for gate in gate_tasks:
            checks.upstream[gate] |= needed - {gate}
    return checks


def _check_dags(
    checked: set[str],
    readers: Mapping[str, set[str]],
    behind: Mapping[str, set[str]],
    source_tests: Mapping[str, tuple[str, ...]],
) -> dict[str, set[str]]:
    """The DAGs a check of each node runs in: those reading it, else the default DAG; a test on
    several nodes runs in the DAGs of each, and a node behind a tested ephemeral model is checked
    wherever that model's tests run, so every test task finds its sources' checks in its DAG."""
    dags = {uid: set(readers.get(uid, set())) or {""} for uid in checked}
    links = [
        (uid, upstream_uid)
        for uid in checked
        for upstream_uid in behind.get(uid, set())
        if upstream_uid in dags
    ]
    links += [(a, b) for parents in source_tests.values() for a in parents for b in parents if a != b]
    changed = True
    while changed:
        changed = False
        for uid, other in links:
            if not dags[uid] <= dags[other]:
                dags[other] |= dags[uid]
                changed = True
    return dags


def _label(manifest: Manifest, uid: str) -> str:
    node = manifest.nodes[uid]
    return f"{node.source_name}.{node.name}" if node.resource_type == "source" else node.name
