"""The extra ordering `dbt build` imposes on top of the manifest's `depends_on`.

Two rules, both from dbt-core's graph code (linker `add_test_edges`, build task):

- A data test T blocks a node N when every node T depends on is an ancestor of N: N then waits
  for T. A test on one node blocks that node's children; a relationships (or other multi-node)
  test blocks only the nodes downstream of all the nodes it reads. Tests on ephemeral models
  and on sources block too: the edge lands on the ephemeral or source's children.
- A unit test runs right before its model, on the model's thread, once the model's parents are
  done; the model then waits for it.

The edges are added to the full manifest graph; `dag.build_run_graph` then projects it onto the
nodes that ran, exactly as dbt projects its graph onto the selected nodes.
"""

from __future__ import annotations

from collections.abc import Mapping

from pipeline_kit.artifacts import Manifest

# Resource types outside the manifest's `nodes` section (or tests themselves): dbt never makes
# them wait for a test.
NEVER_WAITS_FOR_TESTS = frozenset(
    {"test", "unit_test", "source", "exposure", "metric", "semantic_model", "saved_query"}
)


def build_dependencies(manifest: Manifest) -> dict[str, tuple[str, ...]]:
    """unique_id -> what the node waits for in `dbt build` (its depends_on plus the edges above)."""
    nodes = manifest.nodes
    waits_for: dict[str, list[str]] = {uid: list(node.depends_on) for uid, node in nodes.items()}
    children = manifest.children()
    can_wait = {uid for uid, node in nodes.items() if node.resource_type not in NEVER_WAITS_FOR_TESTS}
    multi_node_tests: list[str] = []
    for test_id, test in nodes.items():
        if test.resource_type != "test":
            continue
        if len(set(test.depends_on)) == 1:
            for child in children.get(test.depends_on[0], ()):
                if child in can_wait:
                    waits_for[child].append(test_id)
        elif test.depends_on:
            multi_node_tests.append(test_id)
    if multi_node_tests:
        downstream = _Downstream(manifest, children)
        for test_id in multi_node_tests:
            for blocked in downstream.nearest_below_all(nodes[test_id].depends_on, can_wait):
                waits_for[blocked].append(test_id)
    _unit_tests_before_their_models(manifest, waits_for)
    return {uid: tuple(dict.fromkeys(parents)) for uid, parents in waits_for.items()}


class _Downstream:
    """Every node's descendants as a bitmask (bit i: the i-th node in topological order): the
    test "downstream of all the nodes it reads" is then an AND of a few integers, even on deep
    10,000-node graphs where descendant sets hold thousands of nodes each."""

    def __init__(self, manifest: Manifest, children: Mapping[str, list[str]]) -> None:
        self.children = children
        self.parents = {
            uid: [p for p in node.depends_on if p in manifest.nodes] for uid, node in manifest.nodes.items()
        }
        order = _topological_order(self.parents, children)
        self.bit = {uid: 1 << index for index, uid in enumerate(order)}
        self.below: dict[str, int] = {}
        for uid in reversed(order):
            mask = 0
            for child in children.get(uid, ()):
                mask |= self.below.get(child, 0) | self.bit.get(child, 0)
            self.below[uid] = mask

    def nearest_below_all(self, tested: tuple[str, ...], can_wait: set[str]) -> set[str]:
        """The nodes that can wait and are downstream of every node in `tested`, but not already
        downstream of another such node (they wait for the test through it)."""
        below_all = -1
        for uid in tested:
            below_all &= self.below.get(uid, 0)
        if below_all <= 0:
            return set()
        # The nearest ones are reached from a tested node through nodes outside `below_all` (a
        # node's descendants are in it whenever the node is); start from the tested node with
        # the fewest such nodes below it.
        start = min(tested, key=lambda uid: (self.below.get(uid, 0) & ~below_all).bit_count())
        found: set[str] = set()
        seen: set[str] = set()
        stack = [start]
        while stack:
            for child in self.children.get(stack.pop(), ()):
                if child in seen:
                    continue
                seen.add(child)
                if not self.bit.get(child, 0) & below_all or child not in can_wait:
                    stack.append(child)
                elif not any(p in can_wait and self.bit.get(p, 0) & below_all for p in self.parents[child]):
                    found.add(child)
        return found


def _topological_order(parents: Mapping[str, list[str]], children: Mapping[str, list[str]]) -> list[str]:
    waiting = {uid: len(node_parents) for uid, node_parents in parents.items()}
    ready = [uid for uid, count in waiting.items() if count == 0]
    order: list[str] = []
    while ready:
        uid = ready.pop()
        order.append(uid)
        for child in children.get(uid, ()):
            if child in waiting:
                waiting[child] -= 1
                if waiting[child] == 0:
                    ready.append(child)
    return order  # a node on a cycle (never from dbt) is left out: nothing waits for tests there


def _unit_tests_before_their_models(manifest: Manifest, waits_for: dict[str, list[str]]) -> None:
    # The manifest lists a unit test as depending on its model; `dbt build` runs it first, when
    # the model's parents are done (and skips the model when it fails), so the edge is turned
    # around. A model's unit tests run one after another on its thread: chained in id order.
    unit_tests_of: dict[str, list[str]] = {}
    for unit_test_id in sorted(manifest.nodes):
        if manifest.nodes[unit_test_id].resource_type == "unit_test":
            for model in manifest.nodes[unit_test_id].depends_on:
                if model in waits_for:
                    unit_tests_of.setdefault(model, []).append(unit_test_id)
    for model, unit_tests in unit_tests_of.items():
        for unit_test_id in unit_tests:
            waits_for[unit_test_id] = list(waits_for[model])
            waits_for[model].append(unit_test_id)
