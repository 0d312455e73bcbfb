"""Task planning: dependencies equal the manifest's, grouping reduces edges, tests placed right."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline_kit.errors import PipelineKitError
from pipeline_kit.graph import Granularity, PlanOptions, TaskPlan, TestBehavior, parse_manifest, plan_tasks
from pipeline_kit.graph.dag_math import CycleError
from pipeline_kit.graph.plan import GroupBy

from .manifest_factory import ManifestBuilder


def shop() -> ManifestBuilder:
    """seeds → staging → marts, a finance branch, an ephemeral model and a multi-parent test."""
    m = ManifestBuilder()
    m.node("raw_orders", resource_type="seed", folder="seeds")
    m.node("raw_customers", resource_type="seed", folder="seeds")
    m.node("stg_orders", "raw_orders", folder="models/staging", tags=("staging",))
    m.node("stg_customers", "raw_customers", folder="models/staging", tags=("staging",))
    m.node("int_orders", "stg_orders", folder="models/staging", materialized="ephemeral")
    m.node("customer_orders", "stg_customers", "int_orders", folder="models/marts", meta={"team": "sales"})
    m.node("revenue", "int_orders", folder="models/finance", tags=("finance",))
    m.node("revenue_report", "revenue", "customer_orders", folder="models/finance", tags=("finance",))
    m.test("unique_stg_orders_id", "stg_orders")
    m.test("not_null_stg_orders_id", "stg_orders")
    m.test("relationships_orders_customers", "stg_orders", "stg_customers")
    return m


def plan(builder: ManifestBuilder, **options: object) -> TaskPlan:
    return plan_tasks(parse_manifest(builder.build()), PlanOptions(**options))  # type: ignore[arg-type]


def edges(result: TaskPlan) -> set[tuple[str, str]]:
    return {(up, task) for task, ups in result.upstream.items() for up in ups}


def test_node_mode_edges_equal_the_manifest_through_ephemeral_models() -> None:
    result = plan(shop(), test_behavior=TestBehavior.NONE)
    assert [task.task_id for task in result.tasks][:2] == ["raw_customers", "raw_orders"]
    assert edges(result) == {
        ("raw_orders", "stg_orders"),
        ("raw_customers", "stg_customers"),
        ("stg_customers", "customer_orders"),
        ("stg_orders", "customer_orders"),  # through the ephemeral int_orders
        ("stg_orders", "revenue"),
        ("revenue", "revenue_report"),
        ("customer_orders", "revenue_report"),
    }
    by_id = result.by_id()
    assert by_id["stg_orders"].dbt_args == (
        "run",
        "--select",
        "fqn:shop.staging.stg_orders,file:stg_orders.sql",
    )
    assert by_id["raw_orders"].dbt_args == ("seed", "--select", "fqn:shop.raw_orders,file:raw_orders.sql")
    assert "int_orders" not in by_id


def test_after_each_tests_block_downstream_and_multi_parent_test_waits_for_all_parents() -> None:
    result = plan(shop())
    by_id = result.by_id()
    assert by_id["stg_orders.test"].dbt_args == (
        "test",
        "--select",
        "fqn:shop.not_null_stg_orders_id,file:schema.yml",
        "fqn:shop.unique_stg_orders_id,file:schema.yml",
    )
    assert result.upstream["stg_orders.test"] == ("stg_orders",)
    assert result.upstream["revenue"] == ("stg_orders.test",)
    multi = "test.stg_customers__stg_orders"
    assert set(result.upstream[multi]) == {"stg_customers", "stg_orders"}
    assert by_id[multi].dbt_args == (
        "test",
        "--select",
        "fqn:shop.relationships_orders_customers,file:schema.yml",
    )


def test_build_behavior_runs_single_parent_tests_inside_the_node_build() -> None:
    result = plan(shop(), test_behavior=TestBehavior.BUILD)
    ids = {task.task_id for task in result.tasks}
    assert "stg_orders.test" not in ids
    assert "test.stg_customers__stg_orders" in ids
    assert result.by_id()["stg_orders"].dbt_args == (
        "build",
        "--select",
        "fqn:shop.staging.stg_orders,file:stg_orders.sql",
        "--indirect-selection",
        "cautious",
    )


def test_excluded_test_is_not_scheduled_and_builds_exclude_it() -> None:
    unique = "fqn:shop.unique_stg_orders_id,file:schema.yml"
    after_each = plan(shop(), exclude=("unique_stg_orders_id",)).by_id()
    assert after_each["stg_orders.test"].dbt_args == (
        "test",
        "--select",
        "fqn:shop.not_null_stg_orders_id,file:schema.yml",
    )
    build = plan(shop(), exclude=("unique_stg_orders_id",), test_behavior=TestBehavior.BUILD).by_id()
    assert build["stg_orders"].dbt_args[-2:] == ("--exclude", unique)
    assert "--exclude" not in build["stg_customers"].dbt_args
    group = plan(shop(), exclude=("unique_stg_orders_id",), granularity=Granularity.GROUP).by_id()
    assert group["models.staging"].dbt_args[-2:] == ("--exclude", unique)


def test_tests_chosen_without_their_models_run_on_their_own() -> None:
    """As `dbt test --select`: a DAG of the selected tests, reading the warehouse as it is."""
    alone = plan(shop(), select=("resource_type:test",))
    assert [task.dbt_args for task in alone.tasks] == [
        ("test", "--select", "fqn:shop.not_null_stg_orders_id,file:schema.yml"),
        ("test", "--select", "fqn:shop.relationships_orders_customers,file:schema.yml"),
        ("test", "--select", "fqn:shop.unique_stg_orders_id,file:schema.yml"),
    ]
    assert all(not ups for ups in alone.upstream.values())
    grouped = plan(shop(), select=("resource_type:test",), granularity=Granularity.GROUP).tasks
    assert [(task.task_id, len(task.dbt_args)) for task in grouped] == [("selected_tests", 5)]
    # beside a model: the test whose model is selected waits for it, the other runs on its own
    mixed = plan(shop(), select=("stg_customers", "unique_stg_orders_id"))
    assert mixed.upstream["unique_stg_orders_id"] == ()
    with pytest.raises(PipelineKitError, match="contains no model, seed or snapshot"):
        plan(shop(), select=("resource_type:test",), test_behavior=TestBehavior.NONE)


def test_group_mode_edges_are_the_transitively_reduced_folder_graph() -> None:
    result = plan(shop(), granularity=Granularity.GROUP, test_behavior=TestBehavior.NONE)
    assert [task.task_id for task in result.tasks] == [
        "seeds",
        "models.staging",
        "models.marts",
        "models.finance",
    ]
    # staging → finance is implied by staging → marts → finance, so it is dropped.
    assert edges(result) == {
        ("seeds", "models.staging"),
        ("models.staging", "models.marts"),
        ("models.marts", "models.finance"),
    }
    staging = result.by_id()["models.staging"]
    assert staging.dbt_args[:4] == (
        "build",
        "--select",
        "fqn:shop.staging.stg_customers,file:stg_customers.sql",
        "fqn:shop.staging.stg_orders,file:stg_orders.sql",
    )
    # `none` runs no test of either kind: dbt 1.8+ unit tests are not excluded with `test`.
    assert staging.dbt_args[-4:] == (
        "--exclude-resource-type",
        "test",
        "--exclude-resource-type",
        "unit_test",
    )


def test_group_mode_multi_parent_test_across_groups_runs_after_both_groups() -> None:
    m = shop()
    m.test("orders_match_revenue", "customer_orders", "revenue")
    result = plan(m, granularity=Granularity.GROUP)
    cross = [task for task in result.tasks if task.dbt_args[0] == "test"]
    assert [task.dbt_args for task in cross] == [
        ("test", "--select", "fqn:shop.orders_match_revenue,file:schema.yml")
    ]
    # After both groups: finance already waits for marts, so the reduced edge set names finance only.
    assert result.upstream[cross[0].task_id] == ("models.finance",)
    assert "models.marts" in result.upstream["models.finance"]


def test_group_by_tag_names_tasks_after_tags() -> None:
    m = ManifestBuilder()
    m.node("a", tags=("ingest",))
    m.node("b", "a", tags=("report",))
    m.node("c", "a")
    result = plan(m, granularity=Granularity.GROUP, group_by=GroupBy.TAG)
    assert edges(result) == {("ingest", "report"), ("ingest", "untagged")}


def test_grouping_that_merges_nodes_into_a_cycle_is_an_error() -> None:
    m = ManifestBuilder()
    m.node("a", folder="models/x")
    m.node("b", "a", folder="models/y")
    m.node("c", "b", folder="models/x")
    with pytest.raises(CycleError, match=r"cycle between tasks .*models\.x -> models\.y -> models\.x"):
        plan(m, granularity=Granularity.GROUP)


def test_manifest_cycle_is_an_error_naming_the_nodes() -> None:
    m = ManifestBuilder()
    m.node("a", "model.shop.b")
    m.node("b", "a")
    with pytest.raises(CycleError, match=r"model\.shop\.a -> model\.shop\.b -> model\.shop\.a"):
        plan(m)


def test_after_all_puts_every_test_in_one_final_task() -> None:
    result = plan(shop(), granularity=Granularity.ALL, test_behavior=TestBehavior.AFTER_ALL)
    assert [task.task_id for task in result.tasks] == ["dbt_build", "dbt_test"]
    assert result.upstream["dbt_test"] == ("dbt_build",)
    assert len(result.by_id()["dbt_test"].dbt_args) == 2 + 3


def test_source_freshness_tasks_run_before_their_models() -> None:
    m = ManifestBuilder()
    source = m.source("shop_db", "orders")
    m.source("shop_db", "audit", freshness=False)
    m.node("stg_orders", source)
    m.node("stg_audit", "source.shop.shop_db.audit")
    result = plan(m, source_freshness=True)
    by_id = result.by_id()
    assert by_id["freshness.shop_db.orders"].dbt_args == (
        "source",
        "freshness",
        "--select",
        "source:shop.shop_db.orders",
    )
    assert result.upstream["stg_orders"] == ("freshness.shop_db.orders",)
    assert result.upstream["stg_audit"] == ()
    assert "freshness.shop_db.audit" not in by_id
    assert "freshness.shop_db.orders" not in plan(m).by_id()


def test_meta_airflow_settings_reach_tasks_and_merge_in_groups() -> None:
    m = ManifestBuilder()
    m.node("a", meta={"airflow": {"retries": 1, "pool": "dbt", "owner": "ann", "execution_timeout": 60}})
    m.node("b", meta={"airflow": {"retries": 3, "owner": "bob", "priority_weight": 5, "retry_delay": 30}})
    assert dict(plan(m).by_id()["a"].settings) == {
        "execution_timeout": 60.0,
        "owner": "ann",
        "pool": "dbt",
        "retries": 1,
    }
    grouped = plan(m, granularity=Granularity.ALL).by_id()["dbt_build"]
    assert dict(grouped.settings) == {
        "execution_timeout": 60.0,
        "owner": "ann,bob",
        "pool": "dbt",
        "priority_weight": 5,
        "retries": 3,
        "retry_delay": 30.0,
    }


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        (
            {"retries": "3"},
            r"model\.shop\.a: meta\.airflow\.retries: expected a non-negative integer, got '3'",
        ),
        ({"retry": 3}, r"meta\.airflow\.retry: unknown key"),
        ({"execution_timeout": 0}, r"expected a positive number of seconds, got 0"),
    ],
)
def test_bad_meta_airflow_values_are_clear_errors(meta: dict[str, object], message: str) -> None:
    m = ManifestBuilder()
    m.node("a", meta={"airflow": meta})
    with pytest.raises(PipelineKitError, match=message):
        plan(m)


def test_conflicting_pools_in_one_group_are_an_error() -> None:
    m = ManifestBuilder()
    m.node("a", meta={"airflow": {"pool": "p1"}})
    m.node("b", meta={"airflow": {"pool": "p2"}})
    with pytest.raises(PipelineKitError, match=r"task 'dbt_build' groups nodes with different"):
        plan(m, granularity=Granularity.ALL)


def test_split_dags_link_through_assets() -> None:
    m = ManifestBuilder()
    m.node("stg", meta={"airflow": {"dag": "ingest"}})
    m.node("mart", "stg")
    result = plan(m, test_behavior=TestBehavior.NONE)
    assert result.dag_keys == ("", "ingest")
    assert result.upstream["mart"] == ()
    assert result.dag_inlets == {"": ("dbt://warehouse/analytics/stg",), "ingest": ()}
    assert result.by_id()["stg"].outlets == ("dbt://warehouse/analytics/stg",)


def test_split_dag_asset_is_emitted_by_the_test_task_so_failed_tests_hold_the_next_dag() -> None:
    m = ManifestBuilder()
    m.node("stg", meta={"airflow": {"dag": "ingest"}})
    m.node("mart", "stg")
    m.test("unique_stg_id", "stg")
    asset = "dbt://warehouse/analytics/stg"
    by_id = (result := plan(m)).by_id()
    assert by_id["stg"].outlets == ()
    assert by_id["stg.test"].outlets == (asset,)
    assert by_id["mart"].outlets == ("dbt://warehouse/analytics/mart",)  # no tests: its own task
    assert result.dag_inlets[""] == (asset,)
    # dbt build runs the tests inside the model's task: the asset stays there.
    assert plan(m, test_behavior=TestBehavior.BUILD).by_id()["stg"].outlets == (asset,)


def test_split_by_tag_and_asset_cycle_between_dags_is_an_error() -> None:
    m = ManifestBuilder()
    m.node("a", tags=("x",))
    m.node("b", "a", tags=("y",))
    m.node("c", "b", tags=("x",))
    with pytest.raises(CycleError, match="cycle between DAGs"):
        plan(m, split_tags=("x", "y"))


@st.composite
def random_dags(draw: st.DrawFn) -> ManifestBuilder:
    count = draw(st.integers(min_value=1, max_value=25))
    m = ManifestBuilder()
    for index in range(count):
        parents = draw(st.lists(st.integers(0, max(index - 1, 0)), max_size=3)) if index else []
        folder = draw(st.sampled_from(["models/a", "models/b", "models/c"]))
        m.node(f"n{index}", *sorted({f"n{p}" for p in parents}), folder=folder)
    return m


def _reaches(result: TaskPlan) -> dict[str, set[str]]:
    reach: dict[str, set[str]] = {}
    for task in result.tasks:
        ups = result.upstream[task.task_id]
        reach[task.task_id] = set(ups).union(*(reach[up] for up in ups)) if ups else set()
    return reach


@settings(max_examples=60, deadline=None)
@given(random_dags())
def test_random_manifests_node_edges_exact_and_group_edges_reduced(m: ManifestBuilder) -> None:
    manifest = parse_manifest(m.build())
    node_plan = plan_tasks(manifest, PlanOptions(test_behavior=TestBehavior.NONE))
    expected = {
        (parent.split(".")[-1], node.name) for node in manifest.nodes.values() for parent in node.depends_on
    }
    assert edges(node_plan) == expected
    try:
        group_plan = plan_tasks(manifest, PlanOptions(granularity=Granularity.GROUP))
    except CycleError:
        return  # some random folder assignments cannot be grouped; that is the documented error
    group_of = {uid: task.task_id for task in group_plan.tasks for uid in task.node_ids}
    reach = _reaches(group_plan)
    for child, parent in ((c, p) for c, n in manifest.nodes.items() for p in n.depends_on):
        if group_of[child] != group_of[parent]:
            assert group_of[parent] in reach[group_of[child]]
    for _task_id, ups in group_plan.upstream.items():
        for up in ups:  # no edge is implied by another path
            assert not any(up in reach[other] for other in ups if other != up)
