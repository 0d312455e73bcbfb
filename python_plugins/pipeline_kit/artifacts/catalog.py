"""Tolerant catalog.json reader: table size statistics per node, when the adapter reports them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline_kit.artifacts.loading import as_dict, as_float, load_artifact

CATALOG_OLDEST = 1
CATALOG_NEWEST = 1


@dataclass(frozen=True)
class CatalogEntry:
    unique_id: str
    relation_type: str
    row_count: float | None
    num_bytes: float | None


def _stat(stats: dict[str, object], key: str) -> float | None:
    stat = as_dict(stats.get(key))
    return as_float(stat.get("value")) if stat.get("include", True) else None


def _first_stat(stats: dict[str, object], *keys: str) -> float | None:
    # adapters name the same stat differently (dbt-bigquery: num_rows); a real 0 counts
    for key in keys:
        value = _stat(stats, key)
        if value is not None:
            return value
    return None


def read_catalog(path: Path) -> dict[str, CatalogEntry]:
    """Read `path`; raise InputFileError (naming the file) if it is not a catalog artifact."""
    loaded = load_artifact(path, "catalog", CATALOG_OLDEST, CATALOG_NEWEST)
    entries: dict[str, CatalogEntry] = {}
    for section in ("nodes", "sources"):
        for unique_id, raw in as_dict(loaded.data.get(section)).items():
            if not isinstance(raw, dict):
                continue
            stats = as_dict(raw.get("stats"))
            entries[unique_id] = CatalogEntry(
                unique_id=unique_id,
                relation_type=str(as_dict(raw.get("metadata")).get("type") or ""),
                row_count=_first_stat(stats, "row_count", "num_rows"),
                num_bytes=_first_stat(stats, "num_bytes", "bytes"),
            )
    return entries
