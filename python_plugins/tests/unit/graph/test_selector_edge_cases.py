"""Nodes whose task selector or planning needs care: odd folder and file names, versioned unit
tests, other projects' nodes, non-finite seconds and odd manifests.

Selectors are checked with the package's own selection engine, which reads a `--select` value as
dbt does (split on whitespace, `,` intersects, `+` walks the graph, `fqn:` and `file:` fnmatch).
"""

from __future__ import annotations

import pytest

from pipeline_kit.errors import PipelineKitError
from pipeline_kit.graph import Granularity, Manifest, PlanOptions, TestBehavior, parse_manifest, plan_tasks
from pipeline_kit.graph.selection import resolve_selection

from .manifest_factory import ManifestBuilder


def selected_by(manifest: Manifest, selector: str) -> set[str]:
    chosen = resolve_selection(manifest, [selector])
    return set(chosen.nodes | chosen.tests)


def select_args(args: tuple[str, ...]) -> list[str]:
    """The values after `--select` in a task's dbt arguments (up to the next flag)."""
    start = args.index("--select") + 1
    end = next((i for i in range(start, len(args)) if args[i].startswith("--")), len(args))
    return list(args[start:end])


def odd_names() -> ManifestBuilder:
    m = ManifestBuilder("p1")
    m.node("spaced", folder="models/my folder")
    m.node("other", folder="models/my_folder")
    m.node("tabbed", folder="models/tab\tfolder")
    m.node("a,b+", folder="models/my_folder")  # dbt accepts commas and pluses in file names
    m.node("plus", folder="models/c+")
    m.test("not_null_other_id", "other")
    m.nodes["test.p1.not_null_other_id.abc123"]["original_file_path"] = "models/my_folder/my schema.yml"
    return m


def test_selectors_of_nodes_with_spaces_commas_and_pluses_select_that_node_alone() -> None:
    manifest = parse_manifest(odd_names().build())
    for uid, node in manifest.nodes.items():
        selector = node.dbt_selector
        # dbt splits --select values on spaces, so a selector must be one word to mean one node
        assert selector.split() == [selector], selector
        assert selected_by(manifest, selector) == {uid}, selector


def test_tasks_of_nodes_in_a_spaced_folder_build_them() -> None:
    manifest = parse_manifest(odd_names().build())
    plan = plan_tasks(manifest, PlanOptions())
    built = {
        uid
        for task in plan.tasks
        if task.dbt_args[0] == "run"
        for selector in select_args(task.dbt_args)
        for uid in selected_by(manifest, selector)
    }
    assert {"model.p1.spaced", "model.p1.tabbed", "model.p1.a,b+"} <= built


def test_a_wildcard_selector_that_matches_another_node_is_an_error() -> None:
    """`?` stands for the space; when another node fits it too there is no exact selector."""
    m = ManifestBuilder("p1")
    m.node("spaced", folder="models/my folder")
    twin = m.node("spaced_twin", folder="models/my_folder")
    m.nodes[twin]["fqn"] = ["p1", "my_folder", "spaced"]  # as another resource type might be named
    m.nodes[twin]["original_file_path"] = "models/my_folder/spaced.sql"
    with pytest.raises(PipelineKitError, match=r"model\.p1\.spaced: .*also selects model\.p1\.spaced_twin"):
        plan_tasks(parse_manifest(m.build()), PlanOptions())


def versioned_unit_tests() -> ManifestBuilder:
    """dim_customers in versions 1 and 2 and one unit test, which dbt writes once per version:
    same name, fqn and file, told apart only by the model version each depends on."""
    m = ManifestBuilder("p2")
    m.node("stg", folder="models/staging")
    for version in (1, 2):
        uid = m.node(f"dim_customers_v{version}", "stg", folder="models/marts")
        m.nodes[uid]["fqn"] = ["p2", "marts", "dim_customers", f"v{version}"]
        m.nodes[uid]["version"] = version
        test = m.unit_test(f"ut_dim_v{version}", f"dim_customers_v{version}")
        m.unit_tests[test].update(
            name="ut_dim",
            fqn=["p2", "marts", "dim_customers", "ut_dim"],
            original_file_path="models/marts/ut_v.yml",
            version=version,
        )
    return m


def test_each_model_version_runs_only_its_own_unit_test() -> None:
    manifest = parse_manifest(versioned_unit_tests().build())
    plan = plan_tasks(manifest, PlanOptions(test_behavior=TestBehavior.AFTER_EACH))
    unit_tasks = [task for task in plan.tasks if task.task_id.endswith(".unit_test")]
    assert len(unit_tasks) == 2
    ran = []
    for task in unit_tasks:
        (selector,) = select_args(task.dbt_args)
        ran.append(selected_by(manifest, selector))
    assert sorted(ran, key=sorted) == [
        {"unit_test.p2.dim_customers_v1.ut_dim_v1"},
        {"unit_test.p2.dim_customers_v2.ut_dim_v2"},
    ]
    for uid, node in manifest.nodes.items():
        assert selected_by(manifest, node.dbt_selector) == {uid}


def with_external_node() -> ManifestBuilder:
    """A cross-project ref (dbt mesh): another project's model, with no file in this one."""
    m = ManifestBuilder("p3")
    m.node("raw", resource_type="seed", folder="seeds")
    m.node("local_base", "raw")
    external = "model.upstream_proj.shared"
    m.nodes[external] = {
        "resource_type": "model",
        "name": "shared",
        "package_name": "upstream_proj",
        "original_file_path": "",
        "path": "",
        "fqn": ["upstream_proj", "shared"],
        "config": {"materialized": "table"},
        "depends_on": {"nodes": ["model.p3.local_base"]},
        "database": "warehouse",
        "schema": "upstream",
        "alias": "shared",
    }
    m.node("reader", external, "raw")
    return m


@pytest.mark.parametrize("granularity", ["node", "group", "all"])
def test_other_projects_nodes_get_no_task_and_are_looked_through(granularity: str) -> None:
    manifest = parse_manifest(with_external_node().build())
    plan = plan_tasks(manifest, PlanOptions(granularity=Granularity(granularity)))
    assert all("model.upstream_proj.shared" not in task.node_ids for task in plan.tasks)
    assert all("upstream_proj" not in " ".join(task.dbt_args) for task in plan.tasks)
    assert all(not uri.endswith("/upstream/shared") for task in plan.tasks for uri in task.outlets)
    if granularity == "node":
        by_id = plan.by_id()
        assert set(plan.upstream["reader"]) == {"local_base", "raw"}
        assert by_id["reader"].outlets == ("dbt://warehouse/analytics/reader",)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 1e300])
@pytest.mark.parametrize("key", ["retry_delay", "execution_timeout"])
def test_non_finite_or_huge_seconds_in_meta_are_input_errors(key: str, value: float) -> None:
    m = ManifestBuilder()
    m.node("orders", meta={"airflow": {key: value}})
    with pytest.raises(PipelineKitError) as error:
        plan_tasks(parse_manifest(m.build()), PlanOptions())
    assert f"model.shop.orders: meta.airflow.{key}" in str(error.value)
    assert repr(value) in str(error.value)


def test_a_model_depending_on_a_test_node_is_planned_without_that_edge() -> None:
    m = ManifestBuilder()
    m.node("base")
    test = m.test("unique_base_id", "base")
    m.node("odd", "base", test)
    plan = plan_tasks(parse_manifest(m.build()), PlanOptions(test_behavior=TestBehavior.NONE))
    assert plan.upstream["odd"] == ("base",)


@pytest.mark.parametrize("behavior", list(TestBehavior))
def test_functions_are_built_before_the_models_calling_them(behavior: TestBehavior) -> None:
    """dbt 1.11 UDFs: only `dbt build` creates one (`dbt run` skips them), and a model calling one
    fails until it exists."""
    m = ManifestBuilder()
    m.node("raw", resource_type="seed", folder="seeds")
    fn = m.function("double_it")
    m.node("uses_fn", "raw", fn)
    manifest = parse_manifest(m.build())
    plan = plan_tasks(manifest, PlanOptions(test_behavior=behavior))
    by_id = plan.by_id()
    task = by_id["double_it"]
    assert task.dbt_args[0] == "build" and task.node_ids == (fn,)
    (selector,) = select_args(task.dbt_args)
    assert selected_by(manifest, selector) == {fn}
    assert "double_it" in plan.upstream["uses_fn"]
    grouped = plan_tasks(manifest, PlanOptions(granularity=Granularity.GROUP, test_behavior=behavior))
    functions_task = next(t for t in grouped.tasks if fn in t.node_ids)
    assert functions_task.dbt_args[0] == "build"
    assert (
        functions_task.task_id
        in grouped.upstream[next(t.task_id for t in grouped.tasks if "model.shop.uses_fn" in t.node_ids)]
    )
