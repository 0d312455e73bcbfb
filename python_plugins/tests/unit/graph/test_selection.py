"""dbt-style selection: names, methods, graph operators, set operations, YAML selectors."""

from __future__ import annotations

import pytest

from pipeline_kit.graph import parse_manifest, select_nodes
from pipeline_kit.graph.selection import SelectionError, resolve_selection

from .manifest_factory import ManifestBuilder


def manifest() -> ManifestBuilder:
    m = ManifestBuilder()
    m.source("app", "orders")
    m.node("raw_customers", resource_type="seed", folder="seeds")
    m.node("stg_orders", "source.shop.app.orders", folder="models/staging", tags=("daily",))
    m.node("stg_customers", "raw_customers", folder="models/staging", tags=("daily", "pii"))
    m.node("customer_orders", "stg_orders", "stg_customers", folder="models/marts")
    m.node("revenue", "customer_orders", folder="models/marts/finance", tags=("finance",))
    m.node("report", "revenue", folder="models/marts/finance", tags=("finance",))
    m.node("snap", "stg_orders", resource_type="snapshot", folder="snapshots")
    m.selectors["nightly"] = {
        "name": "nightly",
        "definition": {
            "union": [
                {"method": "tag", "value": "finance", "parents": True, "parents_depth": 1},
                "stg_orders",
                {"exclude": [{"method": "fqn", "value": "report"}]},
            ]
        },
    }
    m.selectors["pii_marts"] = {
        "name": "pii_marts",
        "definition": {
            "intersection": [{"method": "tag", "value": "pii", "children": True}, "path:models/marts"]
        },
    }
    m.selectors["outer"] = {"name": "outer", "definition": {"method": "selector", "value": "pii_marts"}}
    return m


def names(*select: str, exclude: tuple[str, ...] = (), selector: str | None = None) -> set[str]:
    parsed = parse_manifest(manifest().build())
    chosen = select_nodes(parsed, select, exclude, selector)
    return {parsed.nodes[uid].name for uid in chosen}


ALL = {
    "orders",
    "raw_customers",
    "stg_orders",
    "stg_customers",
    "customer_orders",
    "revenue",
    "report",
    "snap",
}


@pytest.mark.parametrize(
    ("select", "expected"),
    [
        ((), ALL),
        (("stg_orders",), {"stg_orders"}),
        (("tag:finance",), {"revenue", "report"}),
        (("path:models/marts",), {"customer_orders", "revenue", "report"}),
        (("models/marts/finance",), {"revenue", "report"}),
        (("shop.marts.finance",), {"revenue", "report"}),
        (("stg_*",), {"stg_orders", "stg_customers"}),
        (
            ("+customer_orders",),
            {"customer_orders", "stg_orders", "stg_customers", "raw_customers", "orders"},
        ),
        (("1+customer_orders",), {"customer_orders", "stg_orders", "stg_customers"}),
        (("stg_orders+",), {"stg_orders", "customer_orders", "revenue", "report", "snap"}),
        (("stg_orders+1",), {"stg_orders", "customer_orders", "snap"}),
        (("@stg_customers",), ALL - {"snap"}),
        (("tag:daily,tag:pii",), {"stg_customers"}),
        (("tag:finance stg_orders",), {"revenue", "report", "stg_orders"}),
        (("resource_type:snapshot",), {"snap"}),
        (("source:app.orders+1",), {"orders", "stg_orders"}),
        (("config.materialized:table,path:seeds",), {"raw_customers"}),
        # dbt matches fqn with and without the package: a folder name alone selects the folder.
        (("marts",), {"customer_orders", "revenue", "report"}),
        (("marts.finance",), {"revenue", "report"}),
        (("staging.stg_orders",), {"stg_orders"}),
        (("marts.*",), {"customer_orders", "revenue", "report"}),
        (("config.materialized:table,staging",), {"stg_orders", "stg_customers"}),
        (("file:revenue.sql",), {"revenue"}),
        (("file:stg_*",), {"stg_orders", "stg_customers"}),
        (("revenue.sql",), {"revenue"}),
        (("path:models/*/finance",), {"revenue", "report"}),
        (("path:models/**/report.sql",), {"report"}),
        (("package:this,tag:pii",), {"stg_customers"}),
        # x+ reaches tests too; the result keeps the nodes (the planner places the tests).
        (("stg_customers+1",), {"stg_customers", "customer_orders"}),
    ],
)
def test_select_forms(select: tuple[str, ...], expected: set[str]) -> None:
    assert names(*select) == expected


def test_path_matches_the_yaml_that_describes_a_node() -> None:
    m = manifest()
    m.nodes["model.shop.revenue"]["patch_path"] = "shop://models/finance.yml"
    parsed = parse_manifest(m.build())
    assert {parsed.nodes[uid].name for uid in select_nodes(parsed, ["path:models/finance.yml"])} == {
        "revenue"
    }


def test_versioned_model_by_name_and_version() -> None:
    m = manifest()
    uid = m.node("dim_orders", "customer_orders", folder="models/marts")
    m.nodes[uid]["version"] = 2
    m.nodes[uid]["fqn"] = ["shop", "marts", "dim_orders", "v2"]
    parsed = parse_manifest(m.build())
    for form in ("dim_orders", "dim_orders.v2", "dim_orders_v2", "marts.dim_orders"):
        assert {parsed.nodes[u].name for u in select_nodes(parsed, [form])} == {"dim_orders"}, form


def test_excluded_tests_are_reported_and_tests_alone_are_explicit() -> None:
    m = manifest()
    unique = m.test("unique_stg_orders_id", "stg_orders")
    m.test("not_null_stg_orders_id", "stg_orders")
    parsed = parse_manifest(m.build())
    chosen = resolve_selection(parsed, ["stg_orders"], ["unique_stg_orders_id"])
    assert {parsed.nodes[uid].name for uid in chosen.nodes} == {"stg_orders"}
    assert chosen.excluded_tests == {unique}
    # Excluding a model's descendants excludes its tests as well (they are children in dbt).
    assert unique in resolve_selection(parsed, (), ["stg_orders+"]).excluded_tests
    tests_alone = resolve_selection(parsed, ["resource_type:test"])
    assert not tests_alone.nodes
    assert {parsed.nodes[uid].name for uid in tests_alone.explicit_tests} == {
        "not_null_stg_orders_id",
        "unique_stg_orders_id",
    }
    assert not resolve_selection(parsed).explicit_tests  # no --select: nothing chosen explicitly


def test_exclude_removes_after_select() -> None:
    # The source is declared in models/sources.yml, so path:models selects it too, as in dbt.
    expected = {"orders", "stg_orders", "stg_customers"}
    assert names("path:models", exclude=("tag:finance", "customer_orders")) == expected


def test_yaml_selectors_from_the_manifest() -> None:
    assert names(selector="nightly") == {"customer_orders", "revenue", "stg_orders"}
    assert names(selector="pii_marts") == {"customer_orders", "revenue", "report"}
    assert names("selector:outer", "tag:daily") == {"customer_orders", "revenue", "report"} | {
        "stg_orders",
        "stg_customers",
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"selector": "weekly"},
            r"--selector 'weekly': unknown selector 'weekly' \(manifest selectors: nightly",
        ),
        ({"select": ("colour:red",)}, r"--select 'colour:red': unknown selector method 'colour'"),
        ({"select": ("nope",)}, r"--select 'nope': selector 'nope' matches no node"),
        ({"exclude": ("selector:missing",)}, r"--exclude 'selector:missing': unknown selector 'missing'"),
    ],
)
def test_bad_selectors_are_clear_errors(kwargs: dict[str, object], message: str) -> None:
    parsed = parse_manifest(manifest().build())
    with pytest.raises(SelectionError, match=message):
        select_nodes(parsed, **kwargs)  # type: ignore[arg-type]
