"""`airflow generate --select/--exclude` against dbt itself: for each form, the nodes our selection
picks equal what `dbt ls` lists on the same project (models, ephemeral ones too, seeds, snapshots,
sources), and the tests the planner schedules equal the tests `dbt ls --indirect-selection
cautious` lists. The project is written here: folders two deep, a view, an ephemeral model, a
versioned model, a source, tests with one and two parents, a YAML selector."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pipeline_kit.graph import PlanOptions, load_manifest, plan_tasks
from pipeline_kit.graph.selection import resolve_selection

pytestmark = pytest.mark.integration

FILES = {
    "dbt_project.yml": (
        "name: shop\nversion: '1.0.0'\nconfig-version: 2\nprofile: shop\n"
        "models:\n  shop:\n    +materialized: table\n    marts:\n      finance:\n        +tags: [finance]\n"
    ),
    "profiles.yml": (
        "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: shop.duckdb\n"
    ),
    "selectors.yml": (
        "selectors:\n  - name: finance_upstream\n    definition:\n      union:\n"
        "        - method: tag\n          value: finance\n          parents: true\n"
        "        - exclude: [{method: fqn, value: stg_customers}]\n"
    ),
    "seeds/raw_customers.csv": "id,name\n1,a\n",
    "models/staging/stg_customers.sql": "select id as customer_id, name from {{ ref('raw_customers') }}",
    "models/staging/stg_orders.sql": (
        "{{ config(materialized='view') }}\nselect * from {{ source('app', 'orders') }}"
    ),
    "models/staging/eph_orders.sql": (
        "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('stg_orders') }}"
    ),
    "models/staging/schema.yml": (
        "version: 2\nsources:\n  - name: app\n"
        "    tables: [{name: orders, columns: [{name: order_id, data_tests: [not_null]}]}]\n"
        "models:\n  - name: stg_orders\n    columns:\n      - name: order_id\n"
        "        data_tests: [unique, not_null]\n      - name: customer_id\n        data_tests:\n"
        "          - relationships: {arguments: {to: ref('stg_customers'), field: customer_id}}\n"
        "  - name: stg_customers\n    columns:\n      - name: customer_id\n        data_tests: [unique]\n"
    ),
    "models/staging/eph_orders.yml": (
        "version: 2\nmodels:\n  - name: eph_orders\n    columns:\n      - name: order_id\n"
        "        data_tests: [not_null]\n"
    ),
    "models/marts/customer_orders.sql": (
        "select c.customer_id, count(*) as n from {{ ref('stg_customers') }} as c\n"
        "join {{ ref('eph_orders') }} as o on o.customer_id = c.customer_id group by 1"
    ),
    "models/marts/dim_orders_v1.sql": "select * from {{ ref('eph_orders') }}",
    "models/marts/dim_orders_v2.sql": "select * from {{ ref('eph_orders') }}",
    "models/marts/schema.yml": (
        "version: 2\nmodels:\n  - name: dim_orders\n    latest_version: 2\n    versions: [{v: 1}, {v: 2}]\n"
    ),
    "models/marts/finance/revenue.sql": "select sum(n) as n from {{ ref('customer_orders') }}",
    "models/marts/finance/revenue_report.sql": "select * from {{ ref('revenue') }}",
}

SELECT_FORMS = [
    "marts",
    "marts.finance",
    "staging.stg_orders",
    "shop.staging",
    "fqn:marts",
    "eph_orders+",
    "+customer_orders",
    "@stg_customers",
    "customer_orders+1",
    "2+revenue_report",
    "config.materialized:view,staging",
    "config.materialized:ephemeral",
    "tag:finance",
    "tag:finance,config.materialized:table",
    "path:models/marts",
    "models/marts/finance",
    "path:models/*/finance",
    "path:models/staging/schema.yml",
    "file:revenue.sql",
    "revenue.sql",
    "file:stg_*",
    "stg_*",
    "marts.*",
    "dim_orders",
    "dim_orders.v2",
    "dim_orders_v1",
    "source:app.orders+",
    "source:app",
    "package:this",
    "resource_type:seed",
]

EXCLUDE_FORMS = [
    ("staging", "eph_orders"),
    ("stg_orders+", "unique_stg_orders_order_id"),
    ("staging", "resource_type:test"),
    ("+revenue_report", "stg_customers+"),
    ("staging", "relationships_stg_orders_customer_id__customer_id__ref_stg_customers_"),
    # tests chosen without their models: a DAG of tests, as `dbt test --select` runs them
    ("resource_type:test", "unique_stg_customers_customer_id"),
    ("stg_customers unique_stg_orders_order_id", "not_null_stg_orders_order_id"),
    # a test on a source runs when the source is selected (before what reads it), not otherwise
    ("source:app.orders+", "stg_customers"),
    ("source:app", "stg_orders"),
    ("staging source:app", "source:app"),
    # an ephemeral model selected without what feeds it: its test runs (on the view as it is)
    ("eph_orders customer_orders", "stg_customers"),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("selection_project")
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text + "\n")
    assert not _dbt(root, "parse"), "dbt parse of the selection fixture failed"
    return root


def _dbt(root: Path, *args: str) -> list[str]:
    from dbt.cli.main import dbtRunner

    saved = os.getcwd()
    os.chdir(root)  # dbt's `path:` globs from the project root
    try:
        result = dbtRunner().invoke(
            [*args, "--project-dir", str(root), "--profiles-dir", str(root), "--quiet"]
        )
    finally:
        os.chdir(saved)
    assert result.success, f"dbt {' '.join(args)} failed: {result.exception}"
    return [json.loads(line)["unique_id"] for line in result.result or []] if args[0] == "ls" else []


def _dbt_ls(root: Path, resource_types: list[str], *selection: str) -> set[str]:
    types = [arg for kind in resource_types for arg in ("--resource-type", kind)]
    return set(_dbt(root, "ls", *selection, *types, "--output", "json", "--output-keys", "unique_id"))


NODE_TYPES = ["model", "seed", "snapshot", "source"]


@pytest.mark.parametrize("form", SELECT_FORMS)
def test_select_picks_what_dbt_ls_lists(project: Path, form: str) -> None:
    manifest = load_manifest(project / "target" / "manifest.json")
    ours = resolve_selection(manifest, [form]).nodes
    assert ours == _dbt_ls(project, NODE_TYPES, "--select", form), form


def test_yaml_selector_picks_what_dbt_ls_lists(project: Path) -> None:
    manifest = load_manifest(project / "target" / "manifest.json")
    ours = resolve_selection(manifest, selector="finance_upstream").nodes
    assert ours == _dbt_ls(project, NODE_TYPES, "--selector", "finance_upstream")


@pytest.mark.parametrize(("select", "exclude"), EXCLUDE_FORMS)
def test_exclude_drops_nodes_and_tests_as_dbt_does(project: Path, select: str, exclude: str) -> None:
    manifest = load_manifest(project / "target" / "manifest.json")
    ours = resolve_selection(manifest, [select], [exclude]).nodes
    args = ("--select", select, "--exclude", exclude)
    assert ours == _dbt_ls(project, NODE_TYPES, *args)
    plan = plan_tasks(manifest, PlanOptions(select=(select,), exclude=(exclude,)))
    scheduled = {
        uid
        for task in plan.tasks
        if task.dbt_args[0] == "test"
        for uid, node in manifest.nodes.items()
        if node.is_test and node.dbt_selector in task.dbt_args
    }
    tests = _dbt_ls(project, ["test"], *args, "--indirect-selection", "cautious")
    assert scheduled == tests, f"--select {select} --exclude {exclude}"
