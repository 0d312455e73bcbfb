"""on-run-start and on-run-end hooks, which dbt 1.8+ writes into run_results.json.

dbt runs them one after another on its main thread (`thread_id` "main"), the start hooks before
any node and the end hooks after every node. So they are no worker thread (counted as one, they
added a thread that idled through the whole run), and for the critical path every node waits for
the start hooks and the end hooks wait for every node; their time is part of the wall time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline_kit.analyze.timeline import NodeRun

HOOK_THREAD = "main"
START = "on-run-start"
END = "on-run-end"
# A hook whose phase neither its tags nor its unique_id tell (dbt always writes both): placed by
# its timing instead.
UNKNOWN_PHASE = "on-run-hook"
_TRAILING_NUMBER = re.compile(r"(\d+)$")


@dataclass(frozen=True)
class RunHooks:
    """The hooks of the run, each phase in the order dbt ran it."""

    start: tuple[str, ...] = ()
    end: tuple[str, ...] = ()


def hook_phase(unique_id: str, resource_type: str, thread_id: str, tags: Sequence[str]) -> str:
    """START or END for a run hook (dbt's unique_id: `operation.<package>.<package>-on-run-start-0`,
    tagged with its phase), UNKNOWN_PHASE for another result on the main thread, else ""."""
    if resource_type != "operation" and thread_id != HOOK_THREAD:
        return ""
    for phase in (START, END):
        if phase in tags or phase in unique_id:
            return phase
    return UNKNOWN_PHASE


def split_hooks(nodes: Sequence[NodeRun]) -> RunHooks:
    hooks = sorted((node for node in nodes if node.run_hook), key=_run_order)
    first_node_start = min(
        (node.start_s for node in nodes if not node.run_hook and node.start_s is not None), default=None
    )
    start: list[str] = []
    end: list[str] = []
    for hook in hooks:
        phase = hook.run_hook
        if phase == UNKNOWN_PHASE:
            began_first = (
                hook.start_s is not None and first_node_start is not None and hook.start_s < first_node_start
            )
            phase = START if began_first else END
        (start if phase == START else end).append(hook.unique_id)
    return RunHooks(tuple(start), tuple(end))


def _run_order(hook: NodeRun) -> tuple[bool, float, int, str]:
    # By start time; a hook without timing was skipped after an earlier one failed, so it comes
    # after the timed ones, in index order (the number ending its unique_id).
    number = _TRAILING_NUMBER.search(hook.unique_id)
    index = int(number.group(1)) if number else 0
    return (hook.start_s is None, hook.start_s or 0.0, index, hook.unique_id)
