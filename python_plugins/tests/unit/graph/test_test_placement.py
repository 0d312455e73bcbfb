"""Where tests run: every test dbt build would run runs exactly once, after what it checks.

`dbt_runs` reads each task's command the way dbt selects: the node selectors name nodes, and a
`dbt build --indirect-selection cautious` also runs every test (data or unit) whose nodes are
all selected (any of them without `cautious`), unless `--exclude-resource-type` drops its type.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any

import pytest

from pipeline_kit.graph import Granularity, Manifest, PlanOptions, TaskPlan, TestBehavior, parse_manifest
from pipeline_kit.graph import plan_tasks as plan_manifest

from .manifest_factory import ManifestBuilder

EPHEMERAL_TEST = "test.shop.not_null_eph_orders_id.abc123"
SOURCE_AND_MODEL_TEST = "test.shop.relationships_fct_to_source.abc123"
MULTI_PARENT_TEST = "test.shop.fct_matches_customers.abc123"
UNIT_TEST = "unit_test.shop.fct.ut_fct"
SOURCE_ONLY_TEST = "test.shop.source_not_null_orders.abc123"


def warehouse() -> ManifestBuilder:
    """A source and a seed → staging (with an ephemeral model) → a mart, with one test of each kind."""
    m = ManifestBuilder()
    m.source("app", "orders", freshness=False)
    m.node("raw_customers", resource_type="seed", folder="seeds")
    m.node("stg_orders", "source.shop.app.orders", folder="models/staging")
    m.node("stg_customers", "raw_customers", folder="models/staging")
    m.node("eph_orders", "stg_orders", folder="models/staging", materialized="ephemeral")
    m.node("fct", "eph_orders", "stg_customers", folder="models/marts")
    m.node("report", "fct", folder="models/marts")
    m.test("not_null_stg_orders_id", "stg_orders")
    m.test("not_null_eph_orders_id", "eph_orders")
    m.test("relationships_fct_to_source", "fct", "source.shop.app.orders")
    m.test("fct_matches_customers", "fct", "stg_customers")
    m.test("source_not_null_orders", "source.shop.app.orders")
    m.unit_test("ut_fct", "fct")
    return m


def plan(manifest: Manifest, **options: object) -> TaskPlan:
    return plan_manifest(manifest, PlanOptions(**options))  # type: ignore[arg-type]


def dbt_tests(raw: dict[str, Any]) -> dict[str, tuple[str, set[str]]]:
    """Every data and unit test dbt knows (read from the raw manifest, as dbt does): type, parents."""
    entries = {**raw["nodes"], **raw["unit_tests"]}
    return {
        uid: (entry["resource_type"], set(entry["depends_on"]["nodes"]))
        for uid, entry in entries.items()
        if entry["resource_type"] in ("test", "unit_test")
    }


def dbt_runs(result: TaskPlan, raw: dict[str, Any]) -> dict[str, list[str]]:
    """Test unique id → the tasks whose dbt command runs it."""
    manifest = parse_manifest(raw)
    by_selector = {node.dbt_selector: uid for uid, node in manifest.nodes.items()}
    runs: dict[str, list[str]] = defaultdict(list)
    for task in result.tasks:
        verb, args = task.dbt_args[0], task.dbt_args
        if verb not in ("build", "test"):
            continue
        chosen = {by_selector[arg] for arg in itertools.takewhile(lambda a: not a.startswith("--"), args[2:])}
        excluded = {value for flag, value in itertools.pairwise(args) if flag == "--exclude-resource-type"}
        cautious = ("--indirect-selection", "cautious") in set(itertools.pairwise(args))
        for uid, (resource_type, parents) in dbt_tests(raw).items():
            if resource_type in excluded:
                continue
            # dbt's default (eager) indirect selection takes a test when any of its nodes is selected.
            indirect = parents <= chosen if cautious else bool(parents & chosen)
            if uid in chosen or (verb == "build" and indirect):
                runs[uid].append(task.task_id)
    return dict(runs)


def ancestors(result: TaskPlan, task_id: str) -> set[str]:
    found: set[str] = set()
    frontier = list(result.upstream[task_id])
    while frontier:
        parent = frontier.pop()
        if parent not in found:
            found.add(parent)
            frontier.extend(result.upstream[parent])
    return found


def task_building(result: TaskPlan, unique_id: str) -> str:
    return next(task.task_id for task in result.tasks if unique_id in task.node_ids)


MODES = [
    (granularity, behavior)
    for granularity in Granularity
    for behavior in (TestBehavior.AFTER_EACH, TestBehavior.BUILD, TestBehavior.AFTER_ALL)
]
# Each test → the nodes whose tasks must be done before it runs. The ephemeral model is compiled
# into its test's query, so that test waits for what the model reads.
CHECKED = {
    EPHEMERAL_TEST: ["model.shop.stg_orders"],
    SOURCE_AND_MODEL_TEST: ["model.shop.fct"],
    MULTI_PARENT_TEST: ["model.shop.fct", "model.shop.stg_customers"],
    UNIT_TEST: ["model.shop.stg_customers", "model.shop.stg_orders"],
    "test.shop.not_null_stg_orders_id.abc123": ["model.shop.stg_orders"],
}


@pytest.mark.parametrize(("granularity", "behavior"), MODES)
@pytest.mark.parametrize("test", sorted(CHECKED))
def test_each_test_runs_once_after_what_it_checks(
    granularity: Granularity, behavior: TestBehavior, test: str
) -> None:
    raw = warehouse().build()
    result = plan(parse_manifest(raw), granularity=granularity, test_behavior=behavior)
    runs = dbt_runs(result, raw)
    assert len(runs.get(test, [])) == 1, f"{test} runs in {runs.get(test, [])}"
    (runner,) = runs[test]
    for parent in CHECKED[test]:
        assert task_building(result, parent) in ancestors(result, runner) | {runner}


@pytest.mark.parametrize(("granularity", "behavior"), MODES)
def test_every_test_dbt_build_runs_is_scheduled(granularity: Granularity, behavior: TestBehavior) -> None:
    raw = warehouse().build()
    runs = dbt_runs(plan(parse_manifest(raw), granularity=granularity, test_behavior=behavior), raw)
    assert set(dbt_tests(raw)) == set(runs)


@pytest.mark.parametrize("granularity", list(Granularity))
@pytest.mark.parametrize("behavior", [TestBehavior.AFTER_EACH, TestBehavior.BUILD])
def test_tests_on_a_source_run_before_the_models_reading_it(
    granularity: Granularity, behavior: TestBehavior
) -> None:
    """As in `dbt build`: a failing test on a source stops everything downstream of the source."""
    raw = warehouse().build()
    result = plan(parse_manifest(raw), granularity=granularity, test_behavior=behavior)
    (runner,) = dbt_runs(result, raw)[SOURCE_ONLY_TEST]
    assert result.by_id()[runner].dbt_args == (
        "test",
        "--select",
        "fqn:shop.source_not_null_orders,file:schema.yml",
    )
    assert runner in ancestors(result, task_building(result, "model.shop.stg_orders"))
    assert result.upstream[runner] == ()


@pytest.mark.parametrize("granularity", list(Granularity))
def test_after_all_runs_tests_on_sources_in_the_final_task(granularity: Granularity) -> None:
    raw = warehouse().build()
    result = plan(parse_manifest(raw), granularity=granularity, test_behavior=TestBehavior.AFTER_ALL)
    assert dbt_runs(result, raw)[SOURCE_ONLY_TEST] == ["dbt_test"]


def test_source_tests_off_leaves_tests_on_sources_alone_out() -> None:
    raw = warehouse().build()
    for granularity, behavior in MODES:
        result = plan(
            parse_manifest(raw), granularity=granularity, test_behavior=behavior, source_tests=False
        )
        assert set(dbt_tests(raw)) - set(dbt_runs(result, raw)) == {SOURCE_ONLY_TEST}


def test_tests_on_an_unselected_source_run_only_when_chosen() -> None:
    raw = warehouse().build()
    manifest = parse_manifest(raw)
    # cautious: the source is not selected, so neither is its test
    assert SOURCE_ONLY_TEST not in dbt_runs(plan(manifest, select=("stg_orders+",)), raw)
    # selecting the source and what reads it: the test gates the models, as dbt build runs it
    result = plan(manifest, select=("source:app.orders+",))
    (runner,) = dbt_runs(result, raw)[SOURCE_ONLY_TEST]
    assert result.upstream["stg_orders"] == (runner,)
    # the source alone: a DAG of its tests (dbt build --select source:app.orders)
    alone = plan(manifest, select=("source:app.orders",))
    assert [task.task_id for task in alone.tasks] == ["source_test.app.orders"]


def test_source_tests_wait_for_freshness_and_gate_each_split_dag() -> None:
    m = ManifestBuilder()
    m.source("app", "orders")
    m.source("app", "customers", freshness=False)
    m.node("stg_orders", "source.shop.app.orders")
    m.node("orders_report", "source.shop.app.orders", "source.shop.app.customers", tags=("reports",))
    m.test("source_not_null_orders_id", "source.shop.app.orders")
    m.test("orders_customers_match", "source.shop.app.orders", "source.shop.app.customers")
    result = plan(parse_manifest(m.build()), source_freshness=True, split_tags=("reports",))
    by_id = result.by_id()
    for model in ("stg_orders", "orders_report"):
        gates = result.upstream[model]
        dag = by_id[model].dag_key
        assert all(by_id[gate].dag_key == dag and by_id[gate].dbt_args[0] == "test" for gate in gates)
        for gate in gates:
            (freshness,) = result.upstream[gate]
            assert by_id[freshness].dbt_args[:2] == ("source", "freshness")
            assert by_id[freshness].dag_key == dag
    # as in dbt build, a test on two sources blocks what reads either: both DAGs run both tests
    for model in ("stg_orders", "orders_report"):
        assert {by_id[g].dbt_args[2] for g in result.upstream[model]} == {
            "fqn:shop.source_not_null_orders_id,file:schema.yml",
            "fqn:shop.orders_customers_match,file:schema.yml",
        }


@pytest.mark.parametrize("granularity", list(Granularity))
def test_none_runs_no_data_test_and_no_unit_test(granularity: Granularity) -> None:
    raw = warehouse().build()
    result = plan(parse_manifest(raw), granularity=granularity, test_behavior=TestBehavior.NONE)
    assert dbt_runs(result, raw) == {}


def test_node_mode_runs_unit_tests_between_the_model_parents_and_the_model() -> None:
    manifest = parse_manifest(warehouse().build())
    result = plan(manifest)
    unit = result.by_id()["fct.unit_test"]
    assert unit.dbt_args == ("test", "--select", "fqn:shop.marts.fct.ut_fct,file:schema.yml")
    assert result.upstream["fct"] == ("fct.unit_test",)
    # After the parents' own tests, like the model itself would have waited (dbt build's order).
    assert set(result.upstream["fct.unit_test"]) == {"stg_customers", "stg_orders.test"}


def test_test_on_an_unselected_ephemeral_model_is_not_scheduled() -> None:
    raw = warehouse().build()
    manifest = parse_manifest(raw)
    # `cautious`: eph_orders is not selected, so neither is its test, even though stg_orders is.
    assert EPHEMERAL_TEST not in dbt_runs(plan(manifest, select=("stg_orders", "fct")), raw)
    assert EPHEMERAL_TEST in dbt_runs(plan(manifest, select=("stg_orders+",)), raw)


def test_split_dags_wait_for_source_freshness_in_each_dag() -> None:
    m = ManifestBuilder()
    m.source("app", "orders")
    m.node("stg_orders", "source.shop.app.orders")
    m.node("orders_report", "source.shop.app.orders", tags=("reports",))
    result = plan(
        parse_manifest(m.build()),
        source_freshness=True,
        split_tags=("reports",),
        test_behavior=TestBehavior.NONE,
    )
    by_id = result.by_id()
    for model in ("stg_orders", "orders_report"):
        (freshness,) = result.upstream[model]
        assert by_id[freshness].dbt_args[:2] == ("source", "freshness")
        assert by_id[freshness].dag_key == by_id[model].dag_key


def test_after_all_with_split_dags_waits_for_parents_in_the_other_dag() -> None:
    m = ManifestBuilder()
    m.node("orders", tags=("ingest",))
    m.node("customers")
    m.test("orders_match_customers", "orders", "customers")
    result = plan(parse_manifest(m.build()), split_tags=("ingest",), test_behavior=TestBehavior.AFTER_ALL)
    test_dag = next(task.dag_key for task in result.tasks if task.dbt_args[0] == "test")
    assert test_dag == "ingest"
    # The customers DAG builds the test's other parent: the test's DAG is scheduled on its asset.
    assert result.dag_inlets["ingest"] == ("dbt://warehouse/analytics/customers",)


def test_tests_on_an_ephemeral_model_over_sources_run_before_its_readers() -> None:
    """An ephemeral staging model over a source: dbt build runs its tests (the model compiled
    into their query) before the models reading it, after the source's own checks."""
    m = ManifestBuilder()
    m.source("app", "orders")
    m.node("stg_orders", "source.shop.app.orders", materialized="ephemeral")
    m.node("fct_orders", "stg_orders")
    m.test("not_null_stg_orders_id", "stg_orders")
    m.test("source_unique_orders_id", "source.shop.app.orders")
    raw = m.build()
    result = plan(parse_manifest(raw), source_freshness=True)
    by_id = result.by_id()
    assert set(dbt_runs(result, raw)) == set(dbt_tests(raw))
    (runner,) = dbt_runs(result, raw)["test.shop.not_null_stg_orders_id.abc123"]
    assert runner == "source_test.stg_orders"
    assert result.upstream["fct_orders"] == (runner,)
    (source_gate,) = result.upstream[runner]
    assert by_id[source_gate].dbt_args == (
        "test",
        "--select",
        "fqn:shop.source_unique_orders_id,file:schema.yml",
    )
    assert [by_id[t].dbt_args[:2] for t in result.upstream[source_gate]] == [("source", "freshness")]
    # selected without what feeds it, an ephemeral model is checked as it is (dbt build does too)
    m.node("stg_customers", materialized="table")
    m.node("eph_customers", "stg_customers", materialized="ephemeral")
    m.node("dim_customers", "eph_customers")
    m.test("not_null_eph_customers_id", "eph_customers")
    raw = m.build()
    alone = plan(parse_manifest(raw), select=("eph_customers+",))
    (runner,) = dbt_runs(alone, raw)["test.shop.not_null_eph_customers_id.abc123"]
    assert alone.upstream["dim_customers"] == (runner,)
    # with what feeds it selected, its test waits for that task instead (unchanged)
    fed = plan(parse_manifest(raw), select=("+dim_customers",))
    (runner,) = dbt_runs(fed, raw)["test.shop.not_null_eph_customers_id.abc123"]
    assert "stg_customers" in ancestors(fed, runner)


@pytest.mark.parametrize(("granularity", "behavior"), MODES)
@pytest.mark.parametrize("split", [(), ("split",)])
def test_every_test_on_a_fresh_source_waits_for_its_freshness_in_its_dag(
    granularity: Granularity, behavior: TestBehavior, split: tuple[str, ...]
) -> None:
    """A test over two sources read in different split DAGs, and an ephemeral model over one of
    them read in the other: each test task finds its sources' freshness checks in its own DAG."""
    m = warehouse()
    m.source("app", "customers")
    m.node("eph_customers", "source.shop.app.customers", materialized="ephemeral")
    m.node("customer_report", "eph_customers", tags=("split",))
    m.test("not_null_eph_customers_id", "eph_customers")
    m.test("orders_customers_match", "source.shop.app.orders", "source.shop.app.customers")
    raw = m.build()
    manifest = parse_manifest(raw)
    result = plan(
        manifest, granularity=granularity, test_behavior=behavior, source_freshness=True, split_tags=split
    )
    by_id = result.by_id()
    assert set(dbt_runs(result, raw)) == set(dbt_tests(raw))
    checked = {"test.shop.orders_customers_match.abc123", "test.shop.not_null_eph_customers_id.abc123"}
    for test, runners in dbt_runs(result, raw).items():
        for runner in runners if test in checked and behavior is not TestBehavior.AFTER_ALL else []:
            fresh_checks = {
                arg
                for task in ancestors(result, runner)
                if by_id[task].dbt_args[:2] == ("source", "freshness")
                for arg in by_id[task].dbt_args[3:]
            }
            assert "source:shop.app.customers" in fresh_checks, (test, runner)
