"""Build small manifest dicts in the shape dbt writes, for graph and rendering tests."""

from __future__ import annotations

from typing import Any

from pipeline_kit.graph import PlanOptions, TaskPlan, parse_manifest, plan_tasks


class ManifestBuilder:
    def __init__(self, project: str = "shop") -> None:
        self.project = project
        self.nodes: dict[str, dict[str, Any]] = {}
        self.sources: dict[str, dict[str, Any]] = {}
        self.unit_tests: dict[str, dict[str, Any]] = {}
        self.functions: dict[str, dict[str, Any]] = {}
        self.selectors: dict[str, Any] = {}

    def node(
        self,
        name: str,
        *parents: str,
        resource_type: str = "model",
        folder: str = "models",
        tags: tuple[str, ...] = (),
        meta: dict[str, Any] | None = None,
        materialized: str = "table",
    ) -> str:
        uid = f"{resource_type}.{self.project}.{name}"
        subfolders = folder.split("/")[1:]
        self.nodes[uid] = {
            "unique_id": uid,
            "resource_type": resource_type,
            "name": name,
            "package_name": self.project,
            "original_file_path": f"{folder}/{name}.sql",
            "fqn": [self.project, *subfolders, name],
            "tags": list(tags),
            "config": {"materialized": materialized, "meta": meta or {}, "tags": list(tags)},
            "depends_on": {"nodes": [self._uid(p) for p in parents]},
            "database": "warehouse",
            "schema": "analytics",
            "alias": name,
        }
        return uid

    def test(self, name: str, *parents: str) -> str:
        uid = f"test.{self.project}.{name}.abc123"
        self.nodes[uid] = {
            "resource_type": "test",
            "name": name,
            "package_name": self.project,
            "original_file_path": "models/schema.yml",
            "fqn": [self.project, name],
            "depends_on": {"nodes": [self._uid(p) for p in parents]},
            "config": {},
        }
        return uid

    def unit_test(self, name: str, model: str) -> str:
        """A dbt 1.8+ unit test: its own manifest section, depending on the model it tests."""
        model_uid = self._uid(model)
        uid = f"unit_test.{self.project}.{model_uid.split('.')[-1]}.{name}"
        self.unit_tests[uid] = {
            "resource_type": "unit_test",
            "name": name,
            "package_name": self.project,
            "original_file_path": "models/schema.yml",
            "fqn": [*self.nodes[model_uid]["fqn"], name],
            "depends_on": {"nodes": [model_uid]},
            "config": {},
        }
        return uid

    def function(self, name: str) -> str:
        """A dbt 1.11 user-defined function: its own manifest section, built by `dbt build`."""
        uid = f"function.{self.project}.{name}"
        self.functions[uid] = {
            "resource_type": "function",
            "name": name,
            "package_name": self.project,
            "original_file_path": f"functions/{name}.sql",
            "path": f"{name}.sql",
            "fqn": [self.project, name],
            "config": {"materialized": "function", "meta": {}, "tags": []},
            "depends_on": {"nodes": []},
            "database": "warehouse",
            "schema": "analytics",
            "alias": name,
        }
        return uid

    def source(self, source_name: str, name: str, freshness: bool = True) -> str:
        uid = f"source.{self.project}.{source_name}.{name}"
        rule = {"count": 12, "period": "hour"} if freshness else {"count": None, "period": None}
        self.sources[uid] = {
            "resource_type": "source",
            "name": name,
            "source_name": source_name,
            "package_name": self.project,
            "original_file_path": "models/sources.yml",
            "fqn": [self.project, source_name, name],
            "freshness": {"warn_after": rule, "error_after": {"count": None, "period": None}},
            "database": "warehouse",
            "schema": "raw",
            "identifier": name,
        }
        return uid

    def _uid(self, ref: str) -> str:
        if "." in ref:
            return ref
        matches = [uid for uid in [*self.nodes, *self.sources, *self.functions] if uid.split(".")[-1] == ref]
        assert len(matches) == 1, f"ambiguous or unknown ref {ref!r}: {matches}"
        return matches[0]

    def build(self) -> dict[str, Any]:
        return {
            "metadata": {"project_name": self.project, "dbt_version": "1.11.0"},
            "nodes": self.nodes,
            "sources": self.sources,
            "unit_tests": self.unit_tests,
            "functions": self.functions,
            "selectors": self.selectors,
        }


def plan(builder: ManifestBuilder, **options: object) -> TaskPlan:
    """The task plan of the builder's manifest under `options` (PlanOptions' fields)."""
    return plan_tasks(parse_manifest(builder.build()), PlanOptions(**options))  # type: ignore[arg-type]


def ancestors(result: TaskPlan, task_id: str) -> set[str]:
    """Every task `task_id` waits for, directly or not."""
    found: set[str] = set()
    pending = [task_id]
    while pending:
        for parent in result.upstream[pending.pop()]:
            if parent not in found:
                found.add(parent)
                pending.append(parent)
    return found
