"""Per-task Airflow settings from dbt `meta.airflow`, validated, and stable task ids."""

from __future__ import annotations

import datetime
import hashlib
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pipeline_kit.errors import PipelineKitError
from pipeline_kit.graph.manifest import ManifestNode

# meta.airflow keys: the per-task settings, plus `dag` which splits nodes into several DAGs.
INT_SETTINGS = ("retries", "priority_weight")
SECONDS_SETTINGS = ("retry_delay", "execution_timeout")
TEXT_SETTINGS = ("pool", "owner")
META_KEYS = frozenset({*INT_SETTINGS, *SECONDS_SETTINGS, *TEXT_SETTINGS, "dag"})

_MAX_DAYS = datetime.timedelta.max.days
_UNSAFE_ID_CHARS = re.compile(r"[^A-Za-z0-9_.-]")
MAX_TASK_ID = 200


def node_settings(node: ManifestNode) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for key, value in sorted(node.airflow_meta.items()):
        where = f"{node.unique_id}: meta.airflow.{key}"
        if key not in META_KEYS:
            raise PipelineKitError(f"{where}: unknown key (supported: {', '.join(sorted(META_KEYS))})")
        if key in INT_SETTINGS:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise PipelineKitError(f"{where}: expected a non-negative integer, got {value!r}")
            settings[key] = value
        elif key in SECONDS_SETTINGS:
            settings[key] = seconds(value, where)
        elif key in TEXT_SETTINGS or key == "dag":
            if not isinstance(value, str) or not value:
                raise PipelineKitError(f"{where}: expected a non-empty string, got {value!r}")
            if key != "dag":
                settings[key] = value
    return settings


def seconds(value: Any, where: str) -> float:
    """A positive number of seconds a timedelta can hold: the DAG file renders it as
    `datetime.timedelta(seconds=...)`, which NaN, infinity or 1e300 would keep Airflow from importing."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise PipelineKitError(f"{where}: expected a positive number of seconds, got {value!r}")
    try:
        if not math.isfinite(value):
            raise OverflowError
        datetime.timedelta(seconds=float(value))
    except OverflowError:
        raise PipelineKitError(
            f"{where}: expected a finite number of seconds up to {_MAX_DAYS} days, got {value!r}"
        ) from None
    return float(value)


def merge_settings(nodes: Iterable[ManifestNode], task_id: str) -> dict[str, Any]:
    """Settings of one task running several nodes: the most generous number, owners joined."""
    merged: dict[str, Any] = {}
    owners: set[str] = set()
    pools: set[str] = set()
    for node in nodes:
        for key, value in node_settings(node).items():
            if key == "owner":
                owners.add(value)
            elif key == "pool":
                pools.add(value)
            else:
                merged[key] = max(merged.get(key, value), value)
    if len(pools) > 1:
        raise PipelineKitError(
            f"task {task_id!r} groups nodes with different meta.airflow.pool values {sorted(pools)}; "
            "give them one pool or choose another granularity"
        )
    if pools:
        merged["pool"] = pools.pop()
    if owners:
        merged["owner"] = ",".join(sorted(owners))
    return dict(sorted(merged.items()))


def dag_key_of(node: ManifestNode, split_tags: tuple[str, ...]) -> str:
    """Which DAG a node belongs to: `meta.airflow.dag`, else the first listed tag it has, else ''."""
    explicit = node.airflow_meta.get("dag")
    if isinstance(explicit, str) and explicit:
        return explicit
    for tag in split_tags:
        if tag in node.tags:
            return tag
    return ""


def safe_id(name: str, unique_from: str, taken: set[str]) -> str:
    """An Airflow-valid, unique id: readable when possible, with a short hash when not."""
    candidate = _UNSAFE_ID_CHARS.sub("_", name)[:MAX_TASK_ID] or "_"
    if candidate != name or candidate in taken:
        digest = hashlib.sha1(unique_from.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        candidate = f"{candidate[: MAX_TASK_ID - 10]}__{digest}"
        while candidate in taken:
            digest = hashlib.sha1((candidate + unique_from).encode("utf-8", "surrogatepass")).hexdigest()[:8]
            candidate = f"{candidate[: MAX_TASK_ID - 10]}__{digest}"
    taken.add(candidate)
    return candidate


def settings_key(settings: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(settings.items()))
