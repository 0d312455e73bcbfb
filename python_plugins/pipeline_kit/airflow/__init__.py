"""Static Airflow DAG files from a dbt manifest: config, rendering and the `airflow` CLI group.

Nothing here imports Airflow; the generated files do, when Airflow parses them.
"""

from pipeline_kit.airflow.config import GeneratorConfig, build_config, load_config
from pipeline_kit.airflow.generate import generate_dags
from pipeline_kit.airflow.render import DagFile, render_dags

__all__ = ["DagFile", "GeneratorConfig", "build_config", "generate_dags", "load_config", "render_dags"]
