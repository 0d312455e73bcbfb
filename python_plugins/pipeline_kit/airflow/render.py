"""Render a TaskPlan as Airflow DAG files: the last step, after all graph work is done.

Every value reaches the template already turned into Python source by `py_literal` (strings
through `repr`) or, for the two large tables, into ASCII-only JSON lines inside a raw string
(`json_row`), so nothing from the manifest is ever interpolated raw into code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from pipeline_kit.airflow.config import SECONDS_ARGS, GeneratorConfig
from pipeline_kit.graph.plan import TaskPlan
from pipeline_kit.graph.task_settings import safe_id

_UTC = "datetime.timezone.utc"
TEMPLATES = Path(__file__).resolve().parent / "templates"
_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=False,  # Python source, not HTML: values are escaped by py_literal instead
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


@dataclass(frozen=True)
class DagFile:
    dag_id: str
    filename: str
    source: str


def py_literal(value: Any) -> str:
    """Python source for a plain value; deterministic (dict keys keep their given order)."""
    if isinstance(value, str):
        return repr(value)
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    if isinstance(value, tuple):
        items = ", ".join(py_literal(item) for item in value)
        return f"({items},)" if len(value) == 1 else f"({items})"
    if isinstance(value, list):
        return "[" + ", ".join(py_literal(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{py_literal(k)}: {py_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot render {type(value).__name__} as a Python literal")


def json_row(value: Any) -> str:
    """One table row as JSON for the raw triple-quoted string the template puts it in.

    ASCII-only JSON escapes every quote, backslash, newline and non-ASCII character, so a row can
    never hold an unescaped quote, let alone the three in a row that would end the string. Python compiles
    one string far faster than thousands of tuple literals, which is most of a big DAG's parse.
    """
    return json.dumps(value, ensure_ascii=True)


def _settings_source(settings: Mapping[str, Any]) -> str:
    parts = []
    for key, value in sorted(settings.items()):
        rendered = f"datetime.timedelta(seconds={value!r})" if key in SECONDS_ARGS else py_literal(value)
        parts.append(f"{py_literal(key)}: {rendered}")
    return "{" + ", ".join(parts) + "}"


def dag_ids(plan: TaskPlan, base: str) -> dict[str, str]:
    """DAG id per DAG key: the configured id, suffixed by the split key for the others."""
    taken: set[str] = set()
    result: dict[str, str] = {}
    for key in plan.dag_keys:
        result[key] = safe_id(base if not key else f"{base}__{key}", f"dag:{key}", taken)
    return result


def render_dags(plan: TaskPlan, config: GeneratorConfig) -> list[DagFile]:
    ids = dag_ids(plan, config.dag.dag_id)
    return [_render_one(plan, config, key, ids[key]) for key in plan.dag_keys]


def _render_one(plan: TaskPlan, config: GeneratorConfig, dag_key: str, dag_id: str) -> DagFile:
    tasks = [task for task in plan.tasks if task.dag_key == dag_key]
    settings_index: dict[str, int] = {}
    task_rows = []
    for task in tasks:
        source = _settings_source(task.settings)
        index = settings_index.setdefault(source, len(settings_index))
        task_rows.append(json_row([task.task_id, list(task.dbt_args), index, list(task.outlets)]))
    upstream_rows = [
        json_row([task.task_id, list(plan.upstream[task.task_id])])
        for task in tasks
        if plan.upstream[task.task_id]
    ]
    inlets = plan.dag_inlets.get(dag_key, ())
    dbt = config.dbt
    flags: list[str] = ["--project-dir", dbt.project_dir]
    if dbt.profiles_dir:
        flags += ["--profiles-dir", dbt.profiles_dir]
    if dbt.target:
        flags += ["--target", dbt.target]
    dag = config.dag
    schedule = (
        "[" + ", ".join(f"Asset({py_literal(uri)})" for uri in inlets) + "]"
        if inlets
        else py_literal(dag.schedule)
    )
    start = dag.start_date
    context = {
        "dag_id": py_literal(dag_id),
        "dbt_executable": py_literal(dbt.executable),
        "project_dir": py_literal(dbt.project_dir),
        "dbt_flags": py_literal(tuple(flags)),
        "dbt_env": py_literal(dict(sorted(dbt.env.items()))),
        "settings_table": list(settings_index) or ["{}"],
        "task_rows": task_rows,
        "upstream_rows": upstream_rows,
        "schedule": schedule,
        "start_date": f"datetime.datetime({start.year}, {start.month}, {start.day}, tzinfo={_UTC})",
        "catchup": py_literal(dag.catchup),
        "tags": py_literal(list(dag.tags)),
        "default_args": _settings_source(dag.default_args),
        "max_active_tasks": dag.max_active_tasks,
        "in_process": dbt.invocation == "in_process",
    }
    source = _ENVIRONMENT.get_template("dag.py.j2").render(context)
    return DagFile(dag_id=dag_id, filename=f"{dag_id}.py", source=source)


def write_dags(files: list[DagFile], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for dag_file in files:
        path = out_dir / dag_file.filename
        path.write_text(dag_file.source, encoding="utf-8", newline="\n")
        written.append(path)
    return written
