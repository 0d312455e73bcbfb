"""Tolerant sources.json reader (source freshness results): only the fields pipeline_kit uses."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline_kit.artifacts.loading import as_dict, as_float, as_list, as_str, load_artifact

SOURCES_OLDEST = 1
SOURCES_NEWEST = 3


@dataclass(frozen=True)
class SourceFreshness:
    unique_id: str
    status: str
    max_loaded_at_time_ago_in_s: float | None
    execution_time: float


@dataclass(frozen=True)
class SourcesArtifact:
    """sources.json with the invocation that wrote it: `dbt source freshness` writes it and
    leaves it in target/, where later `dbt run`s and `dbt build`s do not touch it."""

    path: Path
    invocation_id: str  # "" when the file names none
    results: tuple[SourceFreshness, ...]


def read_sources_artifact(path: Path) -> SourcesArtifact:
    """Read `path`; raise InputFileError (naming the file) if it is not a sources artifact."""
    loaded = load_artifact(path, "sources", SOURCES_OLDEST, SOURCES_NEWEST)
    results = tuple(
        SourceFreshness(
            unique_id=raw["unique_id"],
            status=as_str(raw.get("status"), "unknown").lower(),
            max_loaded_at_time_ago_in_s=as_float(raw.get("max_loaded_at_time_ago_in_s")),
            execution_time=as_float(raw.get("execution_time")) or 0.0,
        )
        for raw in as_list(loaded.data.get("results"))
        if isinstance(raw, dict) and isinstance(raw.get("unique_id"), str)
    )
    invocation_id = as_str(as_dict(loaded.data.get("metadata")).get("invocation_id"))
    return SourcesArtifact(path=path, invocation_id=invocation_id, results=results)


def read_sources(path: Path) -> tuple[SourceFreshness, ...]:
    """Only the results of `read_sources_artifact(path)`."""
    return read_sources_artifact(path).results
