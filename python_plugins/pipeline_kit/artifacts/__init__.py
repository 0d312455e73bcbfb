"""Tolerant readers for dbt's artifacts (manifest, run_results, sources, catalog).

Each reader keeps only the fields pipeline_kit uses, ignores unknown ones, and raises
`InputFileError` naming the file when it is missing, truncated or not the artifact it claims.
"""

from pipeline_kit.artifacts.catalog import CatalogEntry, read_catalog
from pipeline_kit.artifacts.manifest import Manifest, ManifestNode, read_manifest
from pipeline_kit.artifacts.run_results import RunResult, RunResults, TimingStep, read_run_results
from pipeline_kit.artifacts.sources import SourceFreshness, read_sources

__all__ = [
    "CatalogEntry",
    "Manifest",
    "ManifestNode",
    "RunResult",
    "RunResults",
    "SourceFreshness",
    "TimingStep",
    "read_catalog",
    "read_manifest",
    "read_run_results",
    "read_sources",
]
