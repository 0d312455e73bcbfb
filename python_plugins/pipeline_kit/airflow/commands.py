"""`pipeline-kit airflow generate`: a thin click layer over `generate_to`."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline_kit.airflow.config import load_config
from pipeline_kit.airflow.generate import generate_to


@click.group("airflow")
def airflow_group() -> None:
    """Generate static Airflow DAG files from a dbt manifest."""


@airflow_group.command("generate")
@click.option(
    "--manifest",
    "manifest",
    required=True,
    type=click.Path(path_type=Path),
    help="dbt's target/manifest.json.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Directory to write the DAG files into.",
)
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="airflow.yml settings file.")
@click.option("--dag-id", help="DAG id (split DAGs get a suffix).")
@click.option("--schedule", help="Cron expression or preset such as @daily.")
@click.option(
    "--granularity", type=click.Choice(["node", "group", "all"]), help="Tasks per node, group or one."
)
@click.option(
    "--group-by", type=click.Choice(["folder", "tag", "meta"]), help="Grouping for --granularity group."
)
@click.option(
    "--test-behavior",
    type=click.Choice(["after_each", "build", "after_all", "none"]),
    help="Where dbt tests run.",
)
@click.option("--select", "select", multiple=True, help="dbt selection (repeatable).")
@click.option("--exclude", "exclude", multiple=True, help="dbt exclusion (repeatable).")
@click.option("--selector", help="A YAML selector defined in the project.")
@click.option(
    "--source-freshness/--no-source-freshness",
    default=None,
    help="Add `dbt source freshness` tasks for sources with a freshness config.",
)
@click.option(
    "--source-tests/--no-source-tests",
    default=None,
    help="Run tests on selected sources before the models reading them, as dbt build does (default on).",
)
@click.option("--dbt-executable", help="dbt executable the tasks run (resolved to an absolute path).")
@click.option("--project-dir", help="dbt project directory the tasks use.")
@click.option("--profiles-dir", help="dbt profiles directory the tasks use.")
@click.option("--target", help="dbt target the tasks use.")
@click.option(
    "--dbt-invocation",
    type=click.Choice(["subprocess", "in_process"]),
    help="Run dbt as a subprocess per task (default) or through dbtRunner inside the task process.",
)
def generate_command(
    manifest: Path,
    out_dir: Path,
    config_path: Path | None,
    select: tuple[str, ...],
    exclude: tuple[str, ...],
    **options: str | bool | None,
) -> None:
    """Write deterministic Airflow DAG files for a dbt project."""
    overrides: dict[str, object] = {key: value for key, value in options.items() if value is not None}
    if select:
        overrides["select"] = list(select)
    if exclude:
        overrides["exclude"] = list(exclude)
    config = load_config(config_path, overrides)

    def report_removed(path: Path) -> None:
        # stderr: stdout stays the list of files written
        click.echo(f"removed stale DAG file {path}", err=True)

    for path in generate_to(manifest, out_dir, config, report_removed):
        click.echo(str(path))
