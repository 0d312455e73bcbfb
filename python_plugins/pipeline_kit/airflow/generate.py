"""The Python API behind `pipeline-kit airflow generate`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipeline_kit.airflow.config import GeneratorConfig
from pipeline_kit.airflow.render import DagFile, render_dags, write_dags
from pipeline_kit.graph.manifest import load_manifest
from pipeline_kit.graph.plan import plan_tasks


def generate_dags(manifest_path: str | Path, config: GeneratorConfig) -> list[DagFile]:
    """Manifest → plan → DAG sources, nothing written."""
    manifest = load_manifest(manifest_path)
    plan = plan_tasks(manifest, config.plan)
    return render_dags(plan, config)


def generate_to(
    manifest_path: str | Path,
    out_dir: str | Path,
    config: GeneratorConfig,
    on_removed: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Write one file per DAG into `out_dir`, removing generated ones no longer in the set (each
    reported to `on_removed`); returns the paths written."""
    return write_dags(generate_dags(manifest_path, config), Path(out_dir), on_removed)
