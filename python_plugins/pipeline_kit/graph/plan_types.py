"""The planner's options and its output: tasks (each one dbt invocation) and the plan of them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


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
    source_tests: bool = True  # tests on sources alone run before the models reading them
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
