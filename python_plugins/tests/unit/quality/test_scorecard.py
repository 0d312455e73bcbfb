"""The scorecard from dbt artifacts (and a DuckDB warehouse): scores, reports and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from pipeline_kit.cli import main
from pipeline_kit.quality import Scorecard, load_rule_results
from pipeline_kit.quality.report import render_html, render_markdown, render_text
from pipeline_kit.quality.results import RuleResult, duckdb_query

RULES_SQL = """
select 'completeness' as dimension, 'null_ratio(customer_id)' as rule_name, 1 as failing_rows,
       10 as evaluated_rows, 0 as is_failing
union all
select 'validity', 'regex(email)', 3, 10, 1
"""


def _write_artifacts(
    target: Path, orders_relation: str = '"wh"."main"."orders"', args: dict[str, object] | None = None
) -> None:
    target.mkdir(parents=True, exist_ok=True)
    nodes = {
        "model.p.orders": {"resource_type": "model", "name": "orders", "relation_name": orders_relation},
        "test.p.quality_orders": {
            "resource_type": "test",
            "attached_node": "model.p.orders",
            "test_metadata": {
                "name": "quality",
                "namespace": "pipeline_kit",
                "kwargs": {"dimensions": {"completeness": [], "validity": []}},
            },
            "compiled_code": RULES_SQL,
        },
        "test.p.not_null_orders_id": {
            "resource_type": "test",
            "attached_node": "model.p.orders",
            "test_metadata": {"name": "not_null", "namespace": None, "kwargs": {"column_name": "id"}},
            "compiled_code": "select * from orders where id is null",
        },
        "test.p.my_singular": {"resource_type": "test", "attached_node": None},
    }
    results = [
        {"unique_id": "test.p.quality_orders", "status": "fail", "failures": 1},
        {"unique_id": "test.p.not_null_orders_id", "status": "warn", "failures": 2},
        {"unique_id": "test.p.my_singular", "status": "pass", "failures": 0},
        {"unique_id": "model.p.orders", "status": "success"},
    ]
    (target / "manifest.json").write_text(json.dumps({"nodes": nodes}))
    (target / "run_results.json").write_text(
        json.dumps(
            {"metadata": {"invocation_id": "inv-1"}, "args": args or {"which": "build"}, "results": results}
        )
    )


def _warehouse(path: Path, with_results_table: bool = False) -> Path:
    connection = duckdb.connect(str(path))
    connection.execute("create table orders as select range as id from range(20)")
    if with_results_table:
        connection.execute(
            "create table pipeline_kit_test_results as select 'inv-1' as invocation_id,"
            " 'orders' as model_name,"
            " 'accuracy' as dimension, 'range(x)' as rule_name, 5 as failing_rows, 50 as evaluated_rows,"
            " 1 as is_failing, 'pipeline_kit' as source"
        )
    connection.close()
    return path


def test_artifacts_only_scores_tests_as_checks(tmp_path: Path) -> None:
    _write_artifacts(tmp_path / "target")
    results, source = load_rule_results(tmp_path / "target")
    assert source == "artifacts"
    card = Scorecard(results)
    # each test is one check: the quality test (failed; two dimensions, so under `quality`) and
    # not_null (warn); the singular test is not scored
    assert card.overall.evaluated_rows == 2
    assert card.overall.failing_rows == 2
    assert set(card.by_dimension()) == {"completeness", "quality"}


def test_warehouse_mode_reruns_compiled_sql_and_counts_builtin_rows(tmp_path: Path) -> None:
    _write_artifacts(tmp_path / "target")
    query = duckdb_query(_warehouse(tmp_path / "wh.duckdb"))
    results, source = load_rule_results(tmp_path / "target", query)
    assert source == "warehouse"
    card = Scorecard(results)
    # rules: 1/10 + 3/10 from the quality test, not_null: 2 failing of 20 rows
    assert (card.overall.failing_rows, card.overall.evaluated_rows) == (6, 40)
    assert card.overall.score == pytest.approx(34 / 40)
    assert card.by_dimension()["completeness"].score == pytest.approx(27 / 30)
    assert [r.rule for r in card.failing_rules()] == ["not_null(id)", "regex(email)"]


def test_results_table_is_preferred_when_it_has_the_invocation(tmp_path: Path) -> None:
    _write_artifacts(tmp_path / "target")
    query = duckdb_query(_warehouse(tmp_path / "wh.duckdb", with_results_table=True))
    results, source = load_rule_results(tmp_path / "target", query)
    assert source == "results table"
    assert results == [RuleResult("orders", "accuracy", "range(x)", 5, 50, True, "pipeline_kit")]


@pytest.mark.parametrize("table", ["t; drop table orders", "t --", "a.b.c.d", "", "x y"])
def test_results_table_must_be_a_table_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str
) -> None:
    """The name is written into the results query as it is: anything but a (qualified) table
    name is refused, exit 2. Before, on PostgreSQL (autocommit) a name such as
    `(select ...) as t; drop table x; --` ran the drop (seen); DuckDB's read-only file refused it."""
    _write_artifacts(tmp_path / "target")
    warehouse = _warehouse(tmp_path / "wh.duckdb")
    args = ["quality", "--target-dir", str(tmp_path / "target"), "--duckdb", str(warehouse)]
    assert main([*args, "--results-table", table]) == 2
    assert f"--results-table {table!r}: expected a table name" in capsys.readouterr().err
    assert duckdb.connect(str(warehouse), read_only=True).execute(
        "select count(*) from orders"
    ).fetchone() == (20,)


@pytest.mark.parametrize("table", ["results", "analytics.results", 'db.analytics."My Results"'])
def test_qualified_and_quoted_results_table_names_are_accepted(tmp_path: Path, table: str) -> None:
    _write_artifacts(tmp_path / "target")
    query = duckdb_query(_warehouse(tmp_path / "wh.duckdb"))
    _, source = load_rule_results(tmp_path / "target", query, table)
    assert source == "warehouse"  # no such table here: the tests' SQL is re-run


def test_reports_are_self_contained(tmp_path: Path) -> None:
    card = Scorecard([RuleResult("m", "validity", "regex(<b>)", 1, 4, True)])
    html = render_html(card, threshold=0.9)
    assert "<script" not in html and "http" not in html and "<link" not in html
    assert "regex(&lt;b&gt;)" in html and "75.00%" in html
    assert "| model | m | 75.00% | 3 | 4 | 1 of 1 |" in render_markdown(card)
    assert "m: validity: regex(<b>) (1 of 4 rows failing)" in render_text(card)


def test_cli_gate_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write_artifacts(tmp_path / "target")
    _warehouse(tmp_path / "wh.duckdb")
    base = ["quality", "--target-dir", str(tmp_path / "target"), "--duckdb", str(tmp_path / "wh.duckdb")]
    assert main([*base, "--threshold", "0.7"]) == 0  # lowest score: validity 0.7
    assert main([*base, "--threshold", "0.9"]) == 1
    assert "quality below 0.9" in capsys.readouterr().err
    assert (tmp_path / "target" / "quality" / "quality.html").exists()
    assert main([*base, "--threshold", "1.5"]) == 2
    assert main(["quality", "--target-dir", str(tmp_path / "missing")]) == 2
    assert "run_results.json: not found" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "flag"), [({"empty": True}, "--empty"), ({"sample": {"start": "x"}}, "--sample")]
)
def test_run_under_empty_or_sample_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: dict[str, object], flag: str
) -> None:
    """Its tests read empty models or a sample: exit 2 naming the file and the flag, no report."""
    _write_artifacts(tmp_path / "target", args={"which": "build", **args})
    assert main(["quality", "--target-dir", str(tmp_path / "target"), "--threshold", "0.5"]) == 2
    error = capsys.readouterr().err
    assert "run_results.json: is of a run under " + flag in error, error
    assert not (tmp_path / "target" / "quality").exists()


def _rewrite(path: Path, change: object) -> None:
    """Replace the file's bytes (`change` is bytes) or edit its parsed JSON in place."""
    if isinstance(change, bytes):
        path.write_bytes(change)
        return
    data = json.loads(path.read_text())
    change(data)  # type: ignore[operator]
    path.write_text(json.dumps(data))


def _first_result(data: dict, value: object) -> None:  # type: ignore[type-arg]
    data["results"][0] = value


MALFORMED = {
    "manifest not UTF-8": (
        "manifest.json",
        b'{"nodes": "\x80"}',  # a Latin-1 byte: not UTF-8
        "manifest.json: not valid JSON (not UTF-8 text)",
    ),
    "results not a list": (
        "run_results.json",
        lambda data: data.update(results="x"),
        "run_results.json: 'results' is not a list (got a string)",
    ),
    "a result not an object": (
        "run_results.json",
        lambda data: _first_result(data, 7),
        "run_results.json: results[0] is not an object (got a number)",
    ),
    "nodes not an object": (
        "manifest.json",
        lambda data: data.update(nodes=[]),
        "manifest.json: 'nodes' is not an object (got a list)",
    ),
    "failures not a number": (
        "run_results.json",
        lambda data: data["results"][0].update(failures="x"),
        "run_results.json: test.p.quality_orders: 'failures' is not a whole number (got 'x')",
    ),
    "status not a string": (
        "run_results.json",
        lambda data: data["results"][0].update(status=["pass"]),
        "run_results.json: test.p.quality_orders: 'status' is not a string (got ['pass'])",
    ),
    "no invocation id": (
        "run_results.json",
        lambda data: data.update(metadata={}),
        "run_results.json: has no metadata.invocation_id",
    ),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_artifacts_exit_2_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    """A foreign or hand-edited file: exit 2 (input error, not 1, the gate's code) with a message
    naming the file and the bad value; before, most of these ended in a traceback and exit 1."""
    name, change, message = MALFORMED[case]
    _write_artifacts(tmp_path / "target")
    _rewrite(tmp_path / "target" / name, change)
    assert main(["quality", "--target-dir", str(tmp_path / "target"), "--threshold", "0.5"]) == 2
    error = capsys.readouterr().err
    assert message in error, error
    assert "Traceback" not in error


def test_odd_test_metadata_is_skipped_not_fatal(tmp_path: Path) -> None:
    """A test node whose test_metadata is not an object is not one of the scored tests."""
    _write_artifacts(tmp_path / "target")
    _rewrite(
        tmp_path / "target" / "manifest.json",
        lambda data: data["nodes"]["test.p.not_null_orders_id"].update(test_metadata=3),
    )
    results, _ = load_rule_results(tmp_path / "target")
    assert {result.dimension for result in results} == {"quality"}  # the quality test's
    assert all(result.rule.startswith("quality(") for result in results)
