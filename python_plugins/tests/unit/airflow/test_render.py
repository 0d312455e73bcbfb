"""Rendering: deterministic, valid Python, every manifest string escaped (fuzzed with hostile names)."""

from __future__ import annotations

import ast
import fnmatch
import json
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pipeline_kit.airflow import build_config, render_dags
from pipeline_kit.graph import Granularity, PlanOptions, parse_manifest, plan_tasks
from pipeline_kit.graph.manifest import selector_value

from ..graph.manifest_factory import ManifestBuilder


def shop() -> ManifestBuilder:
    m = ManifestBuilder()
    m.node("raw", resource_type="seed", folder="seeds")
    m.node("stg", "raw", folder="models/staging", meta={"airflow": {"retries": 2, "retry_delay": 45}})
    m.node("mart", "stg", folder="models/marts", meta={"airflow": {"dag": "reporting"}})
    m.test("unique_stg_id", "stg")
    return m


CONFIG = {
    "dag_id": "shop",
    "dbt_executable": "/opt/dbt/bin/dbt",
    "project_dir": "/srv/shop",
    "schedule": "@daily",
}


def render(builder: ManifestBuilder, **config: Any) -> dict[str, str]:
    generator = build_config({**CONFIG, **config})
    plan = plan_tasks(parse_manifest(builder.build()), generator.plan)
    return {dag_file.filename: dag_file.source for dag_file in render_dags(plan, generator)}


def _as_tuples(value: Any) -> Any:
    return tuple(_as_tuples(item) for item in value) if isinstance(value, list) else value


def module_constant(source: str, name: str) -> Any:
    """The value assigned to `name` at module level of a generated file: a literal, or a table
    `_table(<raw string of JSON rows>)`, decoded by the file's own `_table` (lists read as tuples)."""
    module = ast.parse(source)
    for statement in module.body:
        if isinstance(statement, ast.Assign) and getattr(statement.targets[0], "id", None) == name:
            value = statement.value
            if isinstance(value, ast.Call) and getattr(value.func, "id", None) == "_table":
                namespace: dict[str, Any] = {"json": json}
                functions = [node for node in module.body if isinstance(node, ast.FunctionDef)]
                table_function = next(node for node in functions if node.name == "_table")
                exec(compile(ast.Module([table_function], []), "<dag>", "exec"), namespace)
                return _as_tuples(namespace["_table"](ast.literal_eval(value.args[0])))
            return ast.literal_eval(value)
    raise AssertionError(f"{name} not assigned")


def test_same_inputs_give_byte_identical_files() -> None:
    assert render(shop()) == render(shop())


def test_split_dags_each_have_their_tasks_and_asset_schedule() -> None:
    files = render(shop())
    assert sorted(files) == ["shop.py", "shop__reporting.py"]
    main, reporting = files["shop.py"], files["shop__reporting.py"]
    assert [row[0] for row in module_constant(main, "TASKS")] == ["raw", "stg", "stg.test"]
    assert module_constant(main, "UPSTREAM") == (("stg", ("raw",)), ("stg.test", ("stg",)))
    assert "schedule='@daily'" in main
    assert "schedule=[Asset('dbt://warehouse/analytics/stg')]" in reporting
    assert module_constant(reporting, "TASKS") == (
        (
            "mart",
            ("run", "--select", "fqn:shop.marts.mart,file:mart.sql"),
            0,
            ("dbt://warehouse/analytics/mart",),
        ),
    )
    assert module_constant(main, "DBT_EXECUTABLE") == "/opt/dbt/bin/dbt"
    assert "{'retries': 2, 'retry_delay': datetime.timedelta(seconds=45.0)}" in main
    for source in files.values():
        assert "airflow" in source and "dag" in source.lower()  # DagBag skips files without both words


def test_group_mode_renders_one_build_per_folder() -> None:
    files = render(shop(), granularity="group", default_args={"owner": "data", "retry_delay": 60})
    tasks = module_constant(files["shop.py"], "TASKS")
    assert [row[0] for row in tasks] == ["seeds", "models.staging"]
    assert tasks[1][1] == (
        "build",
        "--select",
        "fqn:shop.staging.stg,file:stg.sql",
        "--indirect-selection",
        "cautious",
    )
    assert (
        "default_args={'owner': 'data', 'retry_delay': datetime.timedelta(seconds=60.0)}" in files["shop.py"]
    )


HOSTILE = st.lists(
    st.sampled_from([*"ab_'\"\\\n\r\t #{}%é€😀\u2028", '"""', "'''", "{{ x }}", "{% if %}", "\udc80"]),
    min_size=1,
    max_size=8,
).map("".join)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(HOSTILE, min_size=2, max_size=4, unique=True), folder=HOSTILE, tag=HOSTILE, env=HOSTILE)
def test_hostile_names_are_escaped_and_round_trip(names: list[str], folder: str, tag: str, env: str) -> None:
    # a name another one fits once its spaces and commas stand as `?` has no selector telling the
    # two apart: planning fails on it instead (test_selector_edge_cases)
    assume(not any(fnmatch.fnmatchcase(b, selector_value(a)) for a in names for b in names if a != b))
    m = ManifestBuilder()
    # a source with a test, read by the first model: its test task is named after both names
    source = m.source(tag, names[-1], freshness=True)
    m.test(names[-1] + "_source_test", source)
    uids = []
    for index, name in enumerate(names):
        parents = [uids[-1]] if uids else [source]
        meta: dict[str, Any] = {"airflow": {"owner": name, "pool": tag}}
        if index:
            meta["airflow"]["dag"] = tag
        uids.append(m.node(name, *parents, folder=f"models/{folder}", tags=(tag,), meta=meta))
    m.test(names[0] + "_test", uids[0])
    for granularity in ("node", "group"):
        files = render(
            m,
            granularity=granularity,
            tags=[tag],
            env={"HOSTILE": env},
            project_dir=folder,
            source_freshness=True,
        )
        for source in files.values():
            tree = ast.parse(source)
            assert tree.body  # parsed: no name broke out of its string literal
            assert module_constant(source, "DBT_ENV") == {"HOSTILE": env}
            assert module_constant(source, "DBT_PROJECT_DIR") == folder
        selectors = {
            arg
            for source in files.values()
            for row in module_constant(source, "TASKS")
            for arg in row[1]
            if arg.startswith("fqn:")
        }
        # spaces, commas and pluses, which dbt's command line splits on, stand as `?`
        assert {
            f"fqn:shop.{selector_value(folder)}.{selector_value(name)},file:{selector_value(name)}.sql"
            for name in names
        } <= selectors
        commands = [tuple(row[1]) for source in files.values() for row in module_constant(source, "TASKS")]
        # a source's selector names its package, and a `.` also stands as `?` (dbt splits on it)
        source_parts = ("shop", tag, names[-1])
        source_selector = "source:" + ".".join(
            selector_value(part, frozenset(" ,+.")) for part in source_parts
        )
        assert ("source", "freshness", "--select", source_selector) in commands
        source_test = f"fqn:shop.{selector_value(names[-1])}_source_test,file:schema.yml"
        assert ("test", "--select", source_test) in commands


def test_plan_options_default_is_node_mode() -> None:
    assert PlanOptions().granularity is Granularity.NODE


def test_invocation_modes_render_different_execute_bodies() -> None:
    subprocess_file = render(shop())["shop.py"]
    in_process_file = render(shop(), dbt_invocation="in_process")["shop.py"]
    assert "subprocess.Popen(" in subprocess_file and "dbtRunner" not in subprocess_file
    assert "dbtRunner().invoke(command)" in in_process_file and "subprocess.Popen(" not in in_process_file
    ast.parse(in_process_file)
