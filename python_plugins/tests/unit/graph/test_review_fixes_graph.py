"""Review fixes in the planner: source selectors that pick exactly one source, unit tests on
ephemeral models, freshness of sources read through ephemeral models, a catalog.json refused."""

from __future__ import annotations

import pytest

from pipeline_kit.errors import InputFileError
from pipeline_kit.graph import Granularity, TaskPlan, TestBehavior, parse_manifest
from pipeline_kit.graph.selection import SelectionError, resolve_selection

from .manifest_factory import ManifestBuilder, ancestors, plan


def task_running(result: TaskPlan, selector_part: str) -> str:
    """The one task whose dbt arguments contain `selector_part`."""
    found = [task.task_id for task in result.tasks if any(selector_part in arg for arg in task.dbt_args)]
    assert len(found) == 1, (selector_part, found)
    return found[0]


# --- 1. freshness selectors --------------------------------------------------------------------


def hostile_sources() -> ManifestBuilder:
    """Sources whose names dbt's command line would split, and one source.table that an installed
    package has too."""
    m = ManifestBuilder()
    m.source("src sp", "t.dot")
    m.source("src sp", "t sp")
    m.source("app", "events")
    package = ManifestBuilder("other")
    package.source("app", "events")
    m.sources.update(package.sources)
    m.node("reader", "source.shop.src sp.t.dot", "source.shop.src sp.t sp", "source.shop.app.events")
    return m


def test_freshness_selector_names_the_package_and_escapes_every_part() -> None:
    m = hostile_sources()
    result = plan(m, source_freshness=True)
    commands = {task.dbt_args for task in result.tasks if task.dbt_args[:2] == ("source", "freshness")}
    assert commands == {
        ("source", "freshness", "--select", "source:shop.src?sp.t?dot"),
        ("source", "freshness", "--select", "source:shop.src?sp.t?sp"),
        ("source", "freshness", "--select", "source:shop.app.events"),
        ("source", "freshness", "--select", "source:other.app.events"),
    }
    manifest = parse_manifest(m.build())
    for command in commands:  # our dbt-like selection reads each as exactly one source
        (source,) = resolve_selection(manifest, [command[3]]).nodes
        assert manifest.nodes[source].dbt_selector == command[3]


def test_a_source_selector_that_would_pick_another_source_is_an_error() -> None:
    m = ManifestBuilder()
    m.source("app", "t sp")
    m.source("app", "t_sp")  # `t?sp` fits it too
    m.node("reader", "source.shop.app.t sp")
    with pytest.raises(
        SelectionError, match=r"source\.shop\.app\.t sp.*also selects source\.shop\.app\.t_sp"
    ):
        plan(m, source_freshness=True, select=("reader",))
    assert plan(m, select=("reader",)).tasks  # no freshness task, no selector to check


# --- 3. unit tests on ephemeral models -----------------------------------------------------------


def ephemeral_unit_tests() -> ManifestBuilder:
    """A seed → ephemeral model → its reader, and an ephemeral model over a source alone, each
    with a unit test."""
    m = ManifestBuilder()
    m.source("app", "events", freshness=False)
    m.node("raw", resource_type="seed", folder="seeds")
    m.node("eph", "raw", folder="models/staging", materialized="ephemeral")
    m.node("stg", "eph", folder="models/staging")
    m.node("eph_events", "source.shop.app.events", folder="models/staging", materialized="ephemeral")
    m.node("stg_events", "eph_events", folder="models/marts")
    m.unit_test("ut_eph", "eph")
    m.unit_test("ut_eph_events", "eph_events")
    return m


@pytest.mark.parametrize("granularity", list(Granularity))
@pytest.mark.parametrize("behavior", [TestBehavior.AFTER_EACH, TestBehavior.BUILD])
def test_unit_tests_on_ephemeral_models_run_before_the_models_reading_them(
    granularity: Granularity, behavior: TestBehavior
) -> None:
    result = plan(ephemeral_unit_tests(), granularity=granularity, test_behavior=behavior)
    by_id = result.by_id()
    unit_task = task_running(result, "fqn:shop.staging.eph.ut_eph,")
    assert by_id[unit_task].dbt_args[0] == "test"
    builds_raw = task_running(result, "fqn:shop.raw,")
    assert builds_raw in ancestors(result, unit_task)  # its input relation exists
    reader = task_running(result, "fqn:shop.staging.stg,")
    if reader != builds_raw:  # `all`: one task builds both; the test can only follow it
        assert unit_task in ancestors(result, reader)
    source_level = task_running(result, "fqn:shop.staging.eph_events.ut_eph_events,")
    assert source_level in ancestors(result, task_running(result, "fqn:shop.marts.stg_events,"))


@pytest.mark.parametrize("granularity", list(Granularity))
def test_unit_tests_on_ephemeral_models_run_with_the_others_after_all(granularity: Granularity) -> None:
    result = plan(ephemeral_unit_tests(), granularity=granularity, test_behavior=TestBehavior.AFTER_ALL)
    final = result.by_id()["dbt_test"].dbt_args
    assert "fqn:shop.staging.eph.ut_eph,file:schema.yml" in final
    assert "fqn:shop.staging.eph_events.ut_eph_events,file:schema.yml" in final


def test_no_unit_test_runs_with_test_behavior_none() -> None:
    result = plan(ephemeral_unit_tests(), test_behavior=TestBehavior.NONE)
    assert all(task.dbt_args[0] != "test" for task in result.tasks)


# --- 4. freshness through ephemeral models -----------------------------------------------------


def fresh_behind_ephemeral(tested: bool) -> ManifestBuilder:
    m = ManifestBuilder()
    m.source("app", "events")  # with a freshness rule
    m.node("eph", "source.shop.app.events", materialized="ephemeral")
    m.node("stg", "eph")
    if tested:
        m.test("not_null_eph_id", "eph")
    return m


@pytest.mark.parametrize("granularity", list(Granularity))
@pytest.mark.parametrize("behavior", list(TestBehavior))
def test_a_model_reading_a_source_through_an_ephemeral_model_waits_for_its_freshness(
    granularity: Granularity, behavior: TestBehavior
) -> None:
    for tested in (False, True):
        result = plan(
            fresh_behind_ephemeral(tested),
            granularity=granularity,
            test_behavior=behavior,
            source_freshness=True,
        )
        freshness = task_running(result, "source:shop.app.events")
        reader = task_running(result, "fqn:shop.stg,")
        assert freshness in ancestors(result, reader), (tested, result.upstream)


def test_freshness_is_looked_for_through_ephemeral_models_only() -> None:
    m = fresh_behind_ephemeral(tested=False)
    m.node("table_over_source", "source.shop.app.events")
    m.node("mart", "table_over_source")
    # the ephemeral model is compiled into stg's query even when not selected itself
    result = plan(m, source_freshness=True, select=("stg",))
    assert result.upstream["stg"] == (task_running(result, "source:shop.app.events"),)
    # mart reads a table built earlier, not the source: no freshness task for it
    result = plan(m, source_freshness=True, select=("mart",))
    assert [task.task_id for task in result.tasks] == ["mart"]


# --- 7. a catalog.json is not a manifest --------------------------------------------------------


def test_a_catalog_passed_as_the_manifest_is_named_as_such() -> None:
    catalog = {
        "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/catalog/v1.json"},
        "nodes": {"model.shop.orders": {"metadata": {"type": "BASE TABLE"}, "columns": {}}},
        "sources": {},
    }
    with pytest.raises(InputFileError, match=r"not a dbt manifest: its dbt_schema_version is .*catalog/v1"):
        parse_manifest(catalog, source="target/catalog.json")
    manifest = ManifestBuilder().build()
    manifest["metadata"]["dbt_schema_version"] = "https://schemas.getdbt.com/dbt/manifest/v12.json"
    assert parse_manifest(manifest).project_name == "shop"
