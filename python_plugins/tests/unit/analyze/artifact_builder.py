"""Hand-made dbt artifacts with known answers, written the way dbt writes them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
COMPILE_S = 0.25
# Where dbt's manifest puts each resource type (everything else goes in "nodes").
SECTION_OF = {"source": "sources", "unit_test": "unit_tests", "exposure": "exposures"}


@dataclass
class Node:
    name: str
    start: float | None
    end: float | None
    thread: str = "Thread-1 (worker)"
    depends_on: tuple[str, ...] = ()
    resource_type: str = "model"
    materialized: str = "table"
    status: str = "success"
    warehouse: str = ""
    adapter_response: dict[str, Any] = field(default_factory=dict)
    attached_node: str = ""
    tags: tuple[str, ...] = ()
    # dbt's own execution_time when it differs from the timed span (it also counts some overhead)
    execution_time: float | None = None

    def unique_id(self, project: str) -> str:
        return f"{self.resource_type}.{project}.{self.name}"


def _stamp(offset: float) -> str:
    return (T0 + timedelta(seconds=offset)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def write_artifacts(
    directory: Path,
    nodes: list[Node],
    *,
    project: str = "shop",
    adapter: str = "duckdb",
    threads: int | None = 2,
    invocation_id: str = "inv-1",
    manifest_version: int = 12,
    run_results_version: int = 6,
    generated_at: str = "2024-01-01T01:00:00Z",
    extra_manifest_nodes: list[Node] | None = None,
    extra_args: dict[str, object] | None = None,
) -> Path:
    """Write manifest.json and run_results.json for `nodes` (names resolve within `project`)."""
    directory.mkdir(parents=True, exist_ok=True)

    def uid(name: str) -> str:
        for node in [*nodes, *(extra_manifest_nodes or [])]:
            if node.name == name:
                return node.unique_id(project)
        return name  # already a unique_id

    sections: dict[str, dict[str, Any]] = {section: {} for section in ("nodes", *SECTION_OF.values())}
    for node in [*nodes, *(extra_manifest_nodes or [])]:
        sections[SECTION_OF.get(node.resource_type, "nodes")][node.unique_id(project)] = {
            "unique_id": node.unique_id(project),
            "resource_type": node.resource_type,
            "name": node.name,
            "package_name": project,
            "original_file_path": f"models/{node.name}.sql",
            "depends_on": {"nodes": [uid(d) for d in node.depends_on], "macros": []},
            "config": {"materialized": node.materialized, "snowflake_warehouse": node.warehouse or None},
            "tags": list(node.tags),
            "attached_node": uid(node.attached_node) if node.attached_node else None,
            "a_field_from_the_future": {"ignored": True},
        }
    manifest = {
        "metadata": {
            "dbt_schema_version": f"https://schemas.getdbt.com/dbt/manifest/v{manifest_version}.json",
            "dbt_version": "1.11.0",
            "invocation_id": invocation_id,
            "adapter_type": adapter,
            "project_name": project,
        },
        **sections,
        "macros": {},
    }
    results = []
    for node in nodes:
        timing = []
        if node.start is not None and node.end is not None:
            timing = [
                {
                    "name": "compile",
                    "started_at": _stamp(node.start),
                    "completed_at": _stamp(node.start + COMPILE_S),
                },
                {
                    "name": "execute",
                    "started_at": _stamp(node.start + COMPILE_S),
                    "completed_at": _stamp(node.end),
                },
            ]
        results.append(
            {
                "unique_id": node.unique_id(project),
                "status": node.status,
                "thread_id": node.thread,
                "execution_time": node.execution_time
                if node.execution_time is not None
                else (node.end - node.start)
                if node.start is not None and node.end is not None
                else 0,
                "timing": timing,
                "adapter_response": node.adapter_response,
                "message": None,
                "failures": None,
                "compiled_code": "select 1",
            }
        )
    ends = [n.end for n in nodes if n.end is not None]
    run_results = {
        "metadata": {
            "dbt_schema_version": f"https://schemas.getdbt.com/dbt/run-results/v{run_results_version}.json",
            "dbt_version": "1.11.0",
            "generated_at": generated_at,
            "invocation_id": invocation_id,
        },
        "results": results,
        "elapsed_time": (max(ends) if ends else 0) + 0.7,
        # dbt writes `threads` only when --threads was on its command line
        "args": {
            **({"threads": threads} if threads is not None else {}),
            "which": "build",
            **(extra_args or {}),
        },
    }
    (directory / "manifest.json").write_text(json.dumps(manifest))
    (directory / "run_results.json").write_text(json.dumps(run_results))
    return directory


def diamond() -> list[Node]:
    """Two threads, five models; the answers are worked out in test_engine.py's docstring."""
    t1, t2 = "Thread-1 (worker)", "Thread-2 (worker)"
    return [
        Node("a", 0.0, 4.0, t1, warehouse="BIG"),
        Node("b", 0.0, 1.0, t2, materialized="view"),
        Node("c", 4.5, 6.5, t2, depends_on=("a", "b")),
        Node("d", 4.5, 5.5, t1, depends_on=("a",), materialized="view"),
        Node("e", 6.5, 9.5, t1, depends_on=("c", "d")),
    ]
