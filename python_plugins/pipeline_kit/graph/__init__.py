"""dbt manifest → plain task graph, in pure Python (no Airflow import).

`load_manifest` reads the nodes we need, `select_nodes` applies dbt-style selection and
`plan_tasks` turns the selection into tasks and edges for any orchestrator to render.
"""

from pipeline_kit.graph.manifest import Manifest, ManifestNode, load_manifest, parse_manifest
from pipeline_kit.graph.plan import Granularity, PlanOptions, Task, TaskPlan, TestBehavior, plan_tasks
from pipeline_kit.graph.selection import select_nodes

__all__ = [
    "Granularity",
    "Manifest",
    "ManifestNode",
    "PlanOptions",
    "Task",
    "TaskPlan",
    "TestBehavior",
    "load_manifest",
    "parse_manifest",
    "plan_tasks",
    "select_nodes",
]
