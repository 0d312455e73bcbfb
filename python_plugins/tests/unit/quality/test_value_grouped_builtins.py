"""dbt's accepted_values and unique return one row per failing VALUE (with its row count
`n_records`), so dbt's failure count is of values. `pipeline-kit quality`'s warehouse mode scores
them in failing rows, as the results hook does (before: 1 failing "row" where 3 of 4 held a bad
value); a custom override without `n_records` keeps dbt's count and says so in a note.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipeline_kit.cli import main
from pipeline_kit.quality import load_rule_results
from pipeline_kit.quality.results import duckdb_query

ORDERS = '"wh"."main"."orders"'
# dbt 1.11's compiled SQL of accepted_values(status, ['paid']) and unique(customer_id)
ACCEPTED_VALUES_SQL = f"""
with all_values as (
    select status as value_field, count(*) as n_records
    from {ORDERS}
    group by status
)
select * from all_values where value_field not in ('paid')
"""
UNIQUE_SQL = f"""
select customer_id as unique_field, count(*) as n_records
from {ORDERS}
where customer_id is not null
group by customer_id
having count(*) > 1
"""
# a project's own accepted_values override: one row per bad value, no n_records
OVERRIDE_SQL = f"select distinct status from {ORDERS} where status not in ('paid')"


def _test(name: str, column: str, compiled_code: str) -> dict[str, Any]:
    return {
        "resource_type": "test",
        "attached_node": "model.p.orders",
        "test_metadata": {"name": name, "namespace": None, "kwargs": {"column_name": column}},
        "config": {"where": None},
        "compiled_code": compiled_code,
    }


def _target(tmp_path: Path, tests: dict[str, tuple[dict[str, Any], str, int]]) -> Path:
    """Artifacts of a run of the given tests (node, status, failures) on `orders`."""
    target = tmp_path / "target"
    target.mkdir()
    nodes = {
        "model.p.orders": {
            "resource_type": "model",
            "name": "orders",
            "relation_name": ORDERS,
            "config": {"materialized": "table"},
        },
        **{unique_id: node for unique_id, (node, _, _) in tests.items()},
    }
    results = [
        {"unique_id": unique_id, "status": status, "failures": failures}
        for unique_id, (_, status, failures) in tests.items()
    ]
    (target / "manifest.json").write_text(json.dumps({"nodes": nodes, "sources": {}}))
    (target / "run_results.json").write_text(
        json.dumps({"metadata": {"invocation_id": "inv-1"}, "args": {"which": "build"}, "results": results})
    )
    return target


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """orders: statuses refunded x3 and paid; customer 7 on three orders, 8 on one."""
    path = tmp_path / "wh.duckdb"
    connection = duckdb.connect(str(path))
    connection.execute(
        "create table orders as select * from (values (1, 'refunded', 7), (2, 'refunded', 7), "
        "(3, 'refunded', 7), (4, 'paid', 8)) as t(id, status, customer_id)"
    )
    connection.close()
    return path


def test_warehouse_mode_counts_rows_not_values(tmp_path: Path, warehouse: Path) -> None:
    """One bad value held by 3 rows is 3 failing rows; one duplicated key on 3 rows is 2 rows
    beyond its first (pipeline_kit.validity_unique's count)."""
    target = _target(
        tmp_path,
        {
            "test.p.accepted_values_orders_status": (
                _test("accepted_values", "status", ACCEPTED_VALUES_SQL),
                "fail",
                1,
            ),
            "test.p.unique_orders_customer_id": (_test("unique", "customer_id", UNIQUE_SQL), "warn", 1),
        },
    )
    results, source = load_rule_results(target, duckdb_query(warehouse))
    assert source == "warehouse"
    assert {(r.rule, r.failing_rows, r.evaluated_rows, r.note) for r in results} == {
        ("accepted_values(status)", 3, 4, ""),
        ("unique(customer_id)", 2, 4, ""),
    }


def test_a_passing_test_is_not_rerun(tmp_path: Path, warehouse: Path) -> None:
    """A passing test returned no rows: its SQL (here one that would fail) is not run again."""
    broken = _test("accepted_values", "status", "select * from no_such_table")
    target = _target(tmp_path, {"test.p.accepted_values_orders_status": (broken, "pass", 0)})
    results, _ = load_rule_results(target, duckdb_query(warehouse))
    assert [(r.failing_rows, r.evaluated_rows, r.note) for r in results] == [(0, 4, "")]


def test_an_override_without_n_records_keeps_dbts_count_with_a_note(
    tmp_path: Path, warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    override = _test("accepted_values", "status", OVERRIDE_SQL)
    target = _target(tmp_path, {"test.p.accepted_values_orders_status": (override, "fail", 1)})
    results, _ = load_rule_results(target, duckdb_query(warehouse))
    assert [(r.failing_rows, r.evaluated_rows) for r in results] == [(1, 4)]
    assert "failing rows are dbt's failure count (1, distinct values, not rows)" in results[0].note
    assert main(["quality", "--target-dir", str(target), "--duckdb", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "note: test.p.accepted_values_orders_status: failing rows are dbt's failure count" in out, out
