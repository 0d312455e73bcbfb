"""A test on several nodes blocks what reads all of them, as `dbt build` orders it.

dbt build makes a node wait for a test when the node is downstream of every node the test depends
on. Before the fix only a test whose parents were one task blocked anything: a relationships test
between two models let a model joining both build on the bad rows, and a test on an ephemeral model
reading two tasks let the models reading it run before (or despite) the test.
"""

from __future__ import annotations

import pytest

from pipeline_kit.airflow import build_config, render_dags
from pipeline_kit.graph import Granularity, TaskPlan, TestBehavior, parse_manifest, plan_tasks

from ..graph.manifest_factory import ManifestBuilder, ancestors, plan

RELATIONSHIPS = "test.shop.relationships_orders_customers.abc123"


def shop() -> ManifestBuilder:
    m = ManifestBuilder()
    m.node("raw_orders", resource_type="seed", folder="seeds")
    m.node("raw_customers", resource_type="seed", folder="seeds")
    m.node("stg_orders", "raw_orders", folder="models/staging")
    m.node("stg_customers", "raw_customers", folder="models/staging")
    m.node("orders_only", "stg_orders", folder="models/marts")
    m.node("joined", "stg_orders", "stg_customers", folder="models/marts")
    m.node("report", "joined", folder="models/marts")
    m.test("relationships_orders_customers", "stg_orders", "stg_customers")
    # an ephemeral model reading two tasks, with a test on it, read by one model
    m.node("int_both", "raw_orders", "stg_customers", folder="models/staging", materialized="ephemeral")
    m.node("from_int", "int_both", folder="models/marts")
    m.test("not_null_int_both_id", "int_both")
    return m


def task_running(result: TaskPlan, test_name: str) -> str:
    (task,) = [t for t in result.tasks if t.dbt_args[0] == "test" and any(test_name in a for a in t.dbt_args)]
    return task.task_id


@pytest.mark.parametrize("behavior", [TestBehavior.AFTER_EACH, TestBehavior.BUILD])
def test_a_relationships_test_blocks_the_model_reading_both_parents(behavior: TestBehavior) -> None:
    result = plan(shop(), test_behavior=behavior)
    relationships = task_running(result, "relationships_orders_customers")
    assert set(result.upstream[relationships]) == {"stg_orders", "stg_customers"}
    assert relationships in result.upstream["joined"]  # before the fix: joined ran without it
    assert relationships in ancestors(result, "report")
    # a model reading one of the parents only does not wait, as in dbt build
    assert relationships not in ancestors(result, "orders_only")


@pytest.mark.parametrize("behavior", [TestBehavior.AFTER_EACH, TestBehavior.BUILD])
def test_a_test_on_an_ephemeral_model_reading_two_tasks_blocks_its_readers(behavior: TestBehavior) -> None:
    result = plan(shop(), test_behavior=behavior)
    test_task = task_running(result, "not_null_int_both_id")
    assert set(result.upstream[test_task]) == {"raw_orders", "stg_customers"}
    assert test_task in result.upstream["from_int"]
    assert test_task not in ancestors(result, "joined")  # it does not read the ephemeral model


def test_group_mode_blocks_the_group_reading_both_and_makes_no_cycle() -> None:
    m = shop()
    # a model of the staging group reads both parents: it cannot wait for a test after its own group
    m.node("stg_joined", "stg_orders", "raw_customers", folder="models/staging")
    m.test("relationships_stg_orders_raw_customers", "stg_orders", "raw_customers")
    m.node("after_stg_joined", "stg_joined", folder="models/marts")
    result = plan(m, granularity=Granularity.GROUP)
    test_task = task_running(result, "relationships_stg_orders_raw_customers")
    assert ancestors(result, test_task) == {"models.staging", "seeds"}
    assert test_task in ancestors(result, "models.marts")
    assert test_task not in ancestors(result, "models.staging")


def test_after_all_and_single_parent_placement_are_unchanged() -> None:
    result = plan(shop(), test_behavior=TestBehavior.AFTER_ALL)
    assert "dbt_test" not in ancestors(result, "joined")
    single = plan(shop())
    assert set(single.upstream["orders_only"]) == {"stg_orders"}


def test_the_rendered_dag_carries_the_edge() -> None:
    config = build_config({"dag_id": "shop"})
    result = plan_tasks(parse_manifest(shop().build()), config.plan)
    (dag_file,) = render_dags(result, config)
    relationships = task_running(result, "relationships_orders_customers")
    compile(dag_file.source, dag_file.filename, "exec")
    upstream_table = dag_file.source.split("UPSTREAM = ", 1)[1]
    (row,) = [line for line in upstream_table.splitlines() if line.startswith('["joined", ')]
    assert f'"{relationships}"' in row
