"""Which built nodes wait for a test on several nodes, as `dbt build` orders them.

`dbt build` makes a node wait for a test when the node is downstream of every node the test
depends on (dbt's "test edges"): for a test on one node, that node's descendants; for a
relationships test, the nodes reading both models; for a test on an ephemeral model, the nodes
reading that model (not every reader of what it reads). The planner re-routes a single parent
task's children through its tests; a test task after several parent tasks uses `tasks_waiting`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pipeline_kit.graph.dag_math import topological_order
from pipeline_kit.graph.manifest import Manifest, ManifestNode


class TestEdges:
    __test__ = False  # not a pytest class

    def __init__(
        self,
        manifest: Manifest,
        task_of: Mapping[str, str],
        nearest: Mapping[str, set[str]],
        per_node: bool,
    ) -> None:
        """`task_of`: built node → its task (complete once tests are placed); `nearest`: for each
        node, the closest built (or checked) nodes upstream of it; `per_node`: one task per node,
        where a node downstream of every tested node never precedes the test task (no cycle)."""
        self.manifest = manifest
        self.task_of = task_of
        self.nearest = nearest
        self.per_node = per_node
        self._descendants: dict[str, int] = {}
        self._near: dict[str, int] = {}  # built node → bitset of its nearest built nodes
        self._built_ids: list[str | None] = []

    def _build(self) -> None:
        """Descendants of every node but tests as int bitsets (bit i: the i-th node in topological
        order), computed once on first use, so a 5,000-node project stays fast."""
        nodes = self.manifest.nodes
        upstream = {
            uid: [p for p in node.depends_on if p in nodes and not nodes[p].is_test]
            for uid, node in nodes.items()
            if not node.is_test
        }
        order = topological_order(upstream, "manifest nodes")
        index = {uid: i for i, uid in enumerate(order)}
        self._built_ids = [uid if uid in self.task_of else None for uid in order]
        self._descendants = {uid: 0 for uid in order}
        for uid in reversed(order):
            for parent in upstream[uid]:
                self._descendants[parent] |= self._descendants[uid] | (1 << index[uid])
        for uid in self.task_of:
            self._near[uid] = sum(1 << index[up] for up in self.nearest.get(uid, set()) & self.task_of.keys())

    def tasks_waiting(
        self, tests: Iterable[ManifestNode], test_task: str, upstream: Mapping[str, set[str]]
    ) -> set[str]:
        """The tasks to wait for `test_task` (running `tests`): those of the built nodes downstream
        of every node one of the tests depends on, but for the test task's own ancestors (waiting
        would be a cycle) and those already waiting through a nearest built node upstream."""
        if not self._descendants:
            self._build()
        mask = 0
        for test in tests:
            deps = [dep for dep in test.depends_on if dep in self._descendants]
            if deps:
                common = self._descendants[deps[0]]
                for dep in deps[1:]:
                    common &= self._descendants[dep]
                mask |= common
        task_of = self.task_of
        blocked = {test_task, *upstream.get(test_task, ())}
        if not self.per_node:
            blocked |= ancestors(upstream, test_task)
        found = set()
        bits = mask
        while bits:
            low = bits & -bits
            bits ^= low
            uid = self._built_ids[low.bit_length() - 1]
            if uid is None or task_of[uid] in blocked:
                continue
            through = self._near[uid] & mask  # nearest built nodes that wait too
            if not through or (not self.per_node and self._all_blocked(through, blocked)):
                found.add(task_of[uid])
        return found

    def _all_blocked(self, bits: int, blocked: set[str]) -> bool:
        """Whether every node of `bits` has a task that cannot wait (so waits for nothing here)."""
        while bits:
            low = bits & -bits
            bits ^= low
            uid = self._built_ids[low.bit_length() - 1]
            if uid is not None and self.task_of[uid] not in blocked:
                return False
        return True


def ancestors(upstream: Mapping[str, set[str]], task_id: str) -> set[str]:
    """Every task `task_id` waits for, directly or not."""
    found: set[str] = set()
    pending = [task_id]
    while pending:
        for parent in upstream.get(pending.pop(), set()):
            if parent not in found:
                found.add(parent)
                pending.append(parent)
    return found
