"""Which tests the scorecard counts, under which name, over which rows: a test's `where`, tests on
sources and on ephemeral models, a `quality` test in artifacts mode, and tests that errored.

The artifacts follow dbt 1.11's shapes (seen in real `dbt build` output): a source test has no
attached node and names its source in `test_metadata.kwargs.model`; an ephemeral model has no
relation_name, and dbt compiles it into each test as a CTE listed in the test's `extra_ctes`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipeline_kit.cli import main
from pipeline_kit.quality import Scorecard, load_rule_results
from pipeline_kit.quality.results import duckdb_query

ORDERS = '"wh"."main"."orders"'  # 20 rows, id 0..19
CUSTOMERS = '"wh"."raw"."customers"'  # 6 rows
EPHEMERAL_CTE = ' __dbt__cte__eph_orders as (\nselect * from "wh"."main"."orders" where id < 5\n)'
ALL_DIMENSIONS = ["accuracy", "completeness", "consistency", "timeliness", "validity"]


def _builtin(
    name: str, attached: str | None, column: str, model_argument: str = "", **node: Any
) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"column_name": column}
    if model_argument:
        kwargs["model"] = model_argument
    return {
        "resource_type": "test",
        "attached_node": attached,
        "test_metadata": {"name": name, "namespace": None, "kwargs": kwargs},
        "config": {"where": None},
        "compiled_code": f"select {column} from somewhere",
        **node,
    }


NODES: dict[str, dict[str, Any]] = {
    "model.p.orders": {
        "resource_type": "model",
        "name": "orders",
        "relation_name": ORDERS,
        "config": {"materialized": "table"},
    },
    "model.p.eph_orders": {
        "unique_id": "model.p.eph_orders",
        "resource_type": "model",
        "name": "eph_orders",
        "relation_name": None,
        "config": {"materialized": "ephemeral"},
    },
    "test.p.not_null_orders_id_where": _builtin(
        "not_null", "model.p.orders", "id", config={"where": "id < 10"}
    ),
    "test.p.not_null_eph_orders_id": _builtin(
        "not_null",
        "model.p.eph_orders",
        "id",
        extra_ctes=[{"id": "model.p.eph_orders", "sql": EPHEMERAL_CTE}],
    ),
    "test.p.source_accepted_values_raw_customers_segment": _builtin(
        "accepted_values", None, "segment", "{{ get_where_subquery(source('raw', 'customers')) }}"
    ),
    "test.p.quality_orders": {
        "resource_type": "test",
        "attached_node": "model.p.orders",
        "test_metadata": {
            "name": "quality",
            "namespace": "pipeline_kit",
            "kwargs": {"dimensions": {name: [] for name in ALL_DIMENSIONS}},
        },
        "compiled_code": "select 'completeness' as dimension, 'x' as rule_name, 0 as failing_rows,"
        " 1 as evaluated_rows, 0 as is_failing",
    },
    "test.p.unique_orders_id": _builtin("unique", "model.p.orders", "id"),
}
SOURCES = {
    "source.p.raw.customers": {
        "unique_id": "source.p.raw.customers",
        "resource_type": "source",
        "source_name": "raw",
        "name": "customers",
        "relation_name": CUSTOMERS,
    }
}


def _write(target: Path, statuses: dict[str, tuple[str, int | None]]) -> Path:
    """Artifacts of a run whose results are the given tests with (status, failures)."""
    target.mkdir(parents=True, exist_ok=True)
    results = [
        {"unique_id": unique_id, "status": status, "failures": failures}
        for unique_id, (status, failures) in statuses.items()
    ]
    (target / "manifest.json").write_text(json.dumps({"nodes": NODES, "sources": SOURCES}))
    (target / "run_results.json").write_text(
        json.dumps({"metadata": {"invocation_id": "inv-1"}, "args": {"which": "build"}, "results": results})
    )
    return target


def _warehouse(path: Path) -> Path:
    connection = duckdb.connect(str(path))
    connection.execute("create table orders as select range as id from range(20)")
    connection.execute("create schema raw")
    connection.execute(
        "create table raw.customers as select range as id, 'consumer' as segment from range(6)"
    )
    connection.close()
    return path


def _rows_by_model(target: Path, warehouse: Path | None) -> dict[str, tuple[int, int]]:
    query = duckdb_query(warehouse) if warehouse else None
    results, _ = load_rule_results(target, query)
    card = Scorecard(results)
    return {name: (score.failing_rows, score.evaluated_rows) for name, score in card.by_model().items()}


def test_warehouse_mode_counts_only_the_rows_of_the_tests_where(tmp_path: Path) -> None:
    """`where: id < 10` limits what not_null read to 10 of the 20 rows; the results hook counts
    those 10, and so must the warehouse fallback (before: 20, the whole model)."""
    target = _write(tmp_path / "target", {"test.p.not_null_orders_id_where": ("pass", 0)})
    assert _rows_by_model(target, _warehouse(tmp_path / "wh.duckdb")) == {"orders": (0, 10)}


@pytest.mark.parametrize("with_warehouse", [False, True], ids=["artifacts", "warehouse"])
def test_a_failing_source_test_counts_under_the_source(tmp_path: Path, with_warehouse: bool) -> None:
    """A test on a source has no attached node: it was dropped with a warehouse and shown under
    a blank model name without one. It scores under `source_name.table_name`."""
    target = _write(tmp_path / "target", {"test.p.source_accepted_values_raw_customers_segment": ("fail", 1)})
    warehouse = _warehouse(tmp_path / "wh.duckdb") if with_warehouse else None
    expected = (1, 6) if with_warehouse else (1, 1)  # 6 rows in the source, or one check
    assert _rows_by_model(target, warehouse) == {"raw.customers": expected}
    results, _ = load_rule_results(target, duckdb_query(warehouse) if warehouse else None)
    assert [(r.model, r.rule, r.is_failing) for r in results] == [
        ("raw.customers", "accepted_values(segment)", True)
    ]


def test_warehouse_mode_counts_an_ephemeral_models_rows_from_its_cte(tmp_path: Path) -> None:
    """An ephemeral model is no table (before: the test was skipped, its model missing from the
    scores); its rows are counted from the CTE dbt compiled into the test: ids 0..4."""
    target = _write(tmp_path / "target", {"test.p.not_null_eph_orders_id": ("warn", 2)})
    assert _rows_by_model(target, _warehouse(tmp_path / "wh.duckdb")) == {"eph_orders": (2, 5)}


def test_artifacts_mode_counts_a_failing_quality_test_once(tmp_path: Path) -> None:
    """README: each test is one check. A failing `quality` test over five dimensions (failures=1,
    one rule over threshold) counted as five failing checks, one per dimension, and dropped every
    dimension to 0%, timeliness too, though the artifacts do not say which rule failed."""
    target = _write(
        tmp_path / "target", {"test.p.quality_orders": ("fail", 1), "test.p.unique_orders_id": ("pass", 0)}
    )
    results, source = load_rule_results(target)
    card = Scorecard(results)
    assert source == "artifacts"
    assert (card.overall.failing_rows, card.overall.evaluated_rows, card.overall.failing_rules) == (1, 2, 1)
    assert {name: (s.failing_rows, s.evaluated_rows) for name, s in card.by_dimension().items()} == {
        "validity": (0, 1),
        "quality": (1, 1),  # the test as a whole: no single dimension can be charged with it
    }
    assert [r.rule for r in card.failing_rules()] == [f"quality({', '.join(ALL_DIMENSIONS)})"]


@pytest.mark.parametrize("with_warehouse", [False, True], ids=["artifacts", "warehouse"])
def test_an_errored_test_fails_the_gate_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], with_warehouse: bool
) -> None:
    """A scored test that errored checked nothing; before, it was left out and the others'
    100% passed `--threshold`. It is a failing rule of 0 rows and the gate exits 1 naming it."""
    target = _write(
        tmp_path / "target",
        {"test.p.unique_orders_id": ("pass", 0), "test.p.quality_orders": ("error", None)},
    )
    args = ["quality", "--target-dir", str(target)]
    if with_warehouse:
        args += ["--duckdb", str(_warehouse(tmp_path / "wh.duckdb"))]
    assert main([*args, "--threshold", "0.5"]) == 1
    captured = capsys.readouterr()
    assert "test errored: test.p.quality_orders" in captured.err, captured.err
    assert "orders: quality: test.p.quality_orders (test errored: no rows evaluated)" in captured.out
    assert "1 test(s) errored or were skipped and evaluated no rows" in captured.out
    # without a gate the report still shows it, and the row scores are those of the tests that ran
    assert main(args) == 0
    assert "100.00%" in capsys.readouterr().out


def test_a_skipped_test_fails_the_gate_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """dbt skips the tests of a model that failed to build; before, they were left out and the
    tests that ran passed `--threshold` at 100%. A skipped test is a failing rule of 0 rows."""
    target = _write(
        tmp_path / "target",
        {"test.p.unique_orders_id": ("pass", 0), "test.p.quality_orders": ("skipped", None)},
    )
    args = ["quality", "--target-dir", str(target)]
    assert main([*args, "--threshold", "0.5"]) == 1
    captured = capsys.readouterr()
    assert "test skipped: test.p.quality_orders" in captured.err, captured.err
    assert "orders: quality: test.p.quality_orders (test skipped: no rows evaluated)" in captured.out


def test_versions_of_a_model_are_scored_apart(tmp_path: Path) -> None:
    """A versioned model's versions are two tables: their tests were merged into one model score
    (3 of 6) with two rules of one name. They score as `dim.v1` and `dim.v2`, as the hook names them."""
    nodes = {
        f"model.p.dim.v{version}": {
            "resource_type": "model",
            "name": "dim",
            "version": version,
            "relation_name": f'"wh"."main"."dim_v{version}"',
            "config": {"materialized": "table"},
        }
        for version in (1, 2)
    }
    for version in (1, 2):
        nodes[f"test.p.not_null_dim_v{version}_email"] = _builtin(
            "not_null", f"model.p.dim.v{version}", "email"
        )
    target = tmp_path / "target"
    target.mkdir()
    results = [
        {"unique_id": "test.p.not_null_dim_v1_email", "status": "fail", "failures": 2},
        {"unique_id": "test.p.not_null_dim_v2_email", "status": "fail", "failures": 1},
    ]
    (target / "manifest.json").write_text(json.dumps({"nodes": nodes, "sources": {}}))
    (target / "run_results.json").write_text(
        json.dumps({"metadata": {"invocation_id": "inv-1"}, "args": {"which": "build"}, "results": results})
    )
    connection = duckdb.connect(str(tmp_path / "wh.duckdb"))
    connection.execute(
        "create table dim_v1 as select * from (values (1, null), (2, null), (3, 'a'), (4, 'b')) t(id, email)"
    )
    connection.execute("create table dim_v2 as select * from (values (1, null), (2, 'a')) t(id, email)")
    connection.close()
    assert _rows_by_model(target, tmp_path / "wh.duckdb") == {"dim.v1": (2, 4), "dim.v2": (1, 2)}
    assert _rows_by_model(target, None) == {"dim.v1": (1, 1), "dim.v2": (1, 1)}


@pytest.mark.parametrize("with_warehouse", [False, True])
def test_a_quoted_column_is_named_without_its_quotes(tmp_path: Path, with_warehouse: bool) -> None:
    """`quote: true` hands a test `"Order ID"`; the rule is named as the results hook stores it,
    `not_null(Order ID)`, so the CLI's and the warehouse's rule names agree."""
    nodes = {
        "model.p.orders": NODES["model.p.orders"],
        "test.p.not_null_orders_order_id": _builtin("not_null", "model.p.orders", '"Order ID"'),
    }
    target = tmp_path / "target"
    target.mkdir()
    (target / "manifest.json").write_text(json.dumps({"nodes": nodes, "sources": {}}))
    (target / "run_results.json").write_text(
        json.dumps(
            {
                "metadata": {"invocation_id": "inv-1"},
                "args": {"which": "build"},
                "results": [
                    {"unique_id": "test.p.not_null_orders_order_id", "status": "pass", "failures": 0}
                ],
            }
        )
    )
    query = duckdb_query(_warehouse(tmp_path / "wh.duckdb")) if with_warehouse else None
    results, _ = load_rule_results(target, query)
    assert [result.rule for result in results] == ["not_null(Order ID)"]
