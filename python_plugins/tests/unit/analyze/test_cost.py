"""Cost on hand-made runs: every expected amount is worked out in the test."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pipeline_kit.analyze import AnalysisOptions, analyze_run, load_run
from pipeline_kit.analyze.cost import CostReport, CostSettings, estimate_costs, normalise_size
from pipeline_kit.analyze.query_history import parse_query_timestamp
from pipeline_kit.analyze.timeline import build_node_runs
from pipeline_kit.cli import main
from pipeline_kit.errors import InputFileError

from .artifact_builder import T0, Node, diamond, write_artifacts

P = "model.shop."


def _cost(target: Path, settings: CostSettings):  # type: ignore[no-untyped-def]
    return analyze_run(load_run(target), AnalysisOptions(cost=settings)).cost


def test_snowflake_estimate_uses_each_nodes_warehouse_size(tmp_path: Path) -> None:
    target = write_artifacts(tmp_path, diamond(), adapter="snowflake")
    settings = CostSettings(price_per_credit=3.0, warehouse_sizes={"BIG": "L"}, runs_per_day=24)
    cost = _cost(target, settings)
    # a runs 4 s on BIG = L (8 credits/h); the other 7 s of work run on the default XS (1 credit/h).
    assert cost.nodes[P + "a"].credits == pytest.approx(4 / 3600 * 8)
    assert cost.nodes[P + "a"].amount == pytest.approx(4 / 3600 * 8 * 3.0)
    assert cost.nodes[P + "e"].credits == pytest.approx(3 / 3600)
    assert cost.per_run == pytest.approx((32 + 7) / 3600 * 3.0)
    assert cost.per_month == pytest.approx((32 + 7) / 3600 * 3.0 * 24 * 30)
    assert cost.basis == "estimate"


@pytest.mark.parametrize(
    ("size", "credits_per_hour"),
    [("XS", 1), ("S", 2), ("M", 4), ("L", 8), ("XL", 16), ("2XL", 32), ("3XL", 64), ("4XL", 128),
     ("5XL", 256), ("6XL", 512)],
)  # fmt: skip
def test_snowflake_credit_table(tmp_path: Path, size: str, credits_per_hour: int) -> None:
    target = write_artifacts(tmp_path, [Node("a", 0.0, 3600.0)], adapter="snowflake")
    cost = _cost(target, CostSettings(default_warehouse_size=size, price_per_credit=1.0))
    assert cost.per_run == pytest.approx(credits_per_hour)


def test_snowflake_size_spellings() -> None:
    assert normalise_size("x-small") == "XS"
    assert normalise_size("Medium") == "M"
    assert normalise_size("2X-Large") == "2XL"
    assert normalise_size("huge") is None


def test_measured_snowflake_cost_from_query_history(tmp_path: Path) -> None:
    nodes = [
        Node("a", 0.0, 10.0, adapter_response={"query_id": "q-a"}),
        Node("b", 0.0, 20.0, thread="Thread-2", adapter_response={"query_id": "q-b"}),
        Node("c", 20.0, 56.0, depends_on=("b",), adapter_response={"query_id": "not-exported"}),
    ]
    target = write_artifacts(tmp_path / "t", nodes, adapter="snowflake")
    csv_path = tmp_path / "query_history.csv"
    csv_path.write_text(
        "query_id,warehouse_size,execution_time,credits_used_cloud_services,credits_attributed_compute\n"
        "q-a,Medium,10000,0.1,0.5\n"
        "q-b,Large,18000,0.0,\n"
    )
    cost = _cost(target, CostSettings(price_per_credit=2.0, query_history_csv=csv_path))
    assert cost.nodes[P + "a"].basis == "measured"
    assert cost.nodes[P + "a"].credits == pytest.approx(0.6)
    # No attributed credits: measured 18 s on a Large (8 credits/h).
    assert cost.nodes[P + "b"].credits == pytest.approx(18 / 3600 * 8)
    # Not in the export: estimated from its 36 s on the default XS.
    assert cost.nodes[P + "c"].basis == "estimate"
    assert cost.nodes[P + "c"].credits == pytest.approx(36 / 3600)
    assert cost.basis == "mixed"
    assert cost.per_run == pytest.approx((0.6 + 0.04 + 0.01) * 2.0)


def _session_cost(tmp_path: Path, nodes: list[Node], csv_text: str) -> CostReport:
    """Cost with the nodes' run windows from run_results.json (T0 + start .. T0 + end), 1 per credit."""
    run = load_run(write_artifacts(tmp_path / "t", nodes, adapter="snowflake"))
    csv_path = tmp_path / "query_history.csv"
    csv_path.write_text(csv_text)
    settings = CostSettings(price_per_credit=1.0, query_history_csv=csv_path)
    return estimate_costs(
        build_node_runs(run.run_results, run.manifest), {}, "snowflake", settings, run.run_results
    )


def _at(seconds: float) -> str:
    """Snowflake's default TIMESTAMP_LTZ text for T0 + seconds, here in a -07:00 session."""
    local = (T0 + timedelta(seconds=seconds)).astimezone(timezone(timedelta(hours=-7)))
    return local.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + " -0700"


SESSION_HEADER = (
    "query_id,session_id,start_time,end_time,credits_attributed_compute,credits_used_cloud_services\n"
)


def _rows(*rows: tuple[str, str, float, float]) -> str:
    """(query_id, session_id, start seconds, attributed credits) rows; credits are powers of two, so
    a sum names exactly which queries were counted."""
    return SESSION_HEADER + "".join(
        f"{query},{session},{_at(start)},{_at(start + 0.1)},{credits},0\n"
        for query, session, start, credits in rows
    )


def test_a_node_is_charged_for_its_sessions_queries_within_its_run_window(tmp_path: Path) -> None:
    nodes = [
        Node("a", 0.0, 10.0, adapter_response={"query_id": "a-merge"}),
        Node("b", 10.5, 20.0, adapter_response={"query_id": "b-grant"}),  # later, same thread/session
        Node("c", 0.0, 10.0, thread="Thread-2", adapter_response={"query_id": "c-ctas"}),
        Node("d", 0.0, 5.0, thread="Thread-3", adapter_response={"query_id": "not-exported"}),
        Node("e", 0.0, 5.0, thread="Thread-4"),  # no query_id (e.g. an ephemeral model)
    ]
    csv_text = _rows(
        ("a-temp", "S1", 0.5, 0.25),  # a's temp table, its compile-time introspection...
        ("a-merge", "S1", 3.0, 0.5),  # ...the statement dbt recorded...
        ("a-drop", "S1", 9.0, 1.0),  # ...and the drop after it
        ("b-ctas", "S1", 11.0, 2.0),
        ("b-grant", "S1", 19.0, 4.0),
        ("c-ctas", "S2", 5.0, 8.0),
        ("c-temp", "S2", 4.0, 64.0),  # another session's query in a's window: c's, not a's
        ("late", "S1", 300.0, 16.0),  # in S1 but in no node's window
        ("other", "S3", 4.0, 32.0),  # a session no node ran in
        ("", "S4", 1.0, 128.0),  # a row without QUERY_ID: not e's
    )
    cost = _session_cost(tmp_path, nodes, csv_text)
    assert cost.nodes[P + "a"].credits == pytest.approx(0.25 + 0.5 + 1.0)
    assert (
        cost.nodes[P + "a"].detail == "3 queries in session S1: attributed compute + cloud services credits"
    )
    assert cost.nodes[P + "b"].credits == pytest.approx(2.0 + 4.0)
    assert cost.nodes[P + "b"].detail.startswith("2 queries in session S1:")
    assert cost.nodes[P + "c"].credits == pytest.approx(8.0 + 64.0)
    assert cost.nodes[P + "c"].detail.startswith("2 queries in session S2:")
    # Not in the export: the estimate (5 s on the default XS) as before.
    assert cost.nodes[P + "d"].basis == "estimate"
    assert cost.nodes[P + "d"].credits == pytest.approx(5 / 3600)
    assert cost.nodes[P + "e"].basis == "estimate"
    assert cost.per_run == pytest.approx(0.25 + 0.5 + 1.0 + 2.0 + 4.0 + 8.0 + 64.0 + 2 * 5 / 3600)
    assert "7 queries in the sessions of 3 node(s)" in cost.method


def test_a_query_in_two_padded_windows_counts_once_for_the_nearer_node(tmp_path: Path) -> None:
    nodes = [
        Node("a", 0.0, 10.0, adapter_response={"query_id": "a-last"}),
        Node("b", 10.5, 20.0, adapter_response={"query_id": "b-last"}),
    ]
    csv_text = _rows(
        ("a-last", "S1", 5.0, 1.0),
        ("b-last", "S1", 15.0, 2.0),
        ("skew-before-a", "S1", -0.5, 4.0),  # within the 1 s tolerance before a started
        ("nearer-a", "S1", 10.2, 8.0),  # 0.2 s after a, 0.3 s before b
        ("nearer-b", "S1", 10.4, 16.0),  # 0.4 s after a, 0.1 s before b
        ("skew-after-b", "S1", 20.8, 32.0),
        ("beyond-skew", "S1", 21.5, 64.0),
    )
    cost = _session_cost(tmp_path, nodes, csv_text)
    assert cost.nodes[P + "a"].credits == pytest.approx(1.0 + 4.0 + 8.0)
    assert cost.nodes[P + "b"].credits == pytest.approx(2.0 + 16.0 + 32.0)


def test_a_query_in_two_overlapping_windows_goes_to_the_later_node(tmp_path: Path) -> None:
    # One session runs one node at a time, so an overlap is timing noise: a query that started
    # after b had started is b's.
    nodes = [
        Node("a", 0.0, 10.0, adapter_response={"query_id": "a-last"}),
        Node("b", 9.8, 20.0, adapter_response={"query_id": "b-last"}),
    ]
    csv_text = _rows(("a-last", "S1", 5.0, 1.0), ("b-last", "S1", 15.0, 2.0), ("both", "S1", 9.9, 4.0))
    cost = _session_cost(tmp_path, nodes, csv_text)
    assert cost.nodes[P + "a"].credits == pytest.approx(1.0)
    assert cost.nodes[P + "b"].credits == pytest.approx(2.0 + 4.0)


def test_the_recorded_statement_counts_even_outside_the_window(tmp_path: Path) -> None:
    # dbt names it as the node's: a skewed clock must not lose it (nor hand it to another node).
    nodes = [
        Node("a", 0.0, 10.0, adapter_response={"query_id": "a-last"}),
        Node("b", 30.0, 40.0, adapter_response={"query_id": "b-last"}),
    ]
    csv_text = _rows(("a-last", "S1", 35.0, 1.0), ("b-last", "S1", 36.0, 2.0))
    cost = _session_cost(tmp_path, nodes, csv_text)
    assert cost.nodes[P + "a"].credits == pytest.approx(1.0)
    assert cost.nodes[P + "b"].credits == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("start_time", "counted"),
    [
        ("2024-01-01T00:00:03.123+00:00", True),
        ("2024-01-01T00:00:03.123Z", True),
        ("2023-12-31 17:00:03.123 -0700", True),
        ("2024-01-01 00:00:03.123000000 +0000", True),
        ("2024-01-01 09:00:03.123456789 +0900", True),
        ("2024-01-01 00:00:03.123", True),  # naive text is UTC
        ("2024-01-01 00:00:03.123 -0700", False),  # 07:00:03 UTC: after the node ran
    ],
)
def test_start_time_formats(tmp_path: Path, start_time: str, counted: bool) -> None:
    nodes = [Node("a", 0.0, 10.0, adapter_response={"query_id": "a-last"})]
    csv_text = SESSION_HEADER + "a-last,S1,2024-01-01T00:00:09Z,,1,0\n" + f"a-temp,S1,{start_time},,2,0\n"
    assert _session_cost(tmp_path, nodes, csv_text).nodes[P + "a"].credits == pytest.approx(
        1.0 + 2.0 if counted else 1.0
    )


def test_query_timestamps_keep_their_offset_and_microseconds() -> None:
    parsed = parse_query_timestamp("2024-05-01 10:00:00.123456789 -0700")
    assert parsed == datetime(2024, 5, 1, 17, 0, 0, 123456, tzinfo=timezone.utc)
    assert parse_query_timestamp("2024-05-01T10:00:00Z") == datetime(2024, 5, 1, 10, tzinfo=timezone.utc)
    assert parse_query_timestamp("2024-05-01 10:00:00") == datetime(2024, 5, 1, 10, tzinfo=timezone.utc)
    for bad in ("2024-02-30 10:00:00", "2024-05-01 10:00:00 +2400", "10:00:00", "2024-05-01", ""):
        assert parse_query_timestamp(bad) is None


@pytest.mark.parametrize("missing", ["session_id", "start_time"])
def test_an_export_without_sessions_charges_the_last_statement_only(tmp_path: Path, missing: str) -> None:
    nodes = [Node("a", 0.0, 10.0, adapter_response={"query_id": "a-merge"})]
    csv_text = _rows(("a-temp", "S1", 1.0, 1.0), ("a-merge", "S1", 5.0, 2.0), ("a-drop", "S1", 9.0, 4.0))
    index = SESSION_HEADER.split(",").index(missing)
    lines = [
        ",".join(v for i, v in enumerate(line.split(",")) if i != index) for line in csv_text.splitlines()
    ]
    cost = _session_cost(tmp_path, nodes, "\n".join(lines) + "\n")
    assert cost.nodes[P + "a"].credits == pytest.approx(2.0)
    assert cost.nodes[P + "a"].detail == (
        "last statement only (export has no SESSION_ID/START_TIME): "
        "attributed compute + cloud services credits"
    )
    assert "last statement only for 1 node(s)" in cost.method


def test_queries_the_export_cannot_price_are_named_not_summed(tmp_path: Path) -> None:
    nodes = [Node("a", 0.0, 10.0, adapter_response={"query_id": "a-merge"})]
    csv_text = (
        "QUERY_ID,SESSION_ID,START_TIME,WAREHOUSE_SIZE,EXECUTION_TIME,CREDITS_USED_CLOUD_SERVICES\n"
        "a-temp,S1,2024-01-01T00:00:01Z,Large,9000,0.5\n"
        "a-merge,S1,2024-01-01T00:00:05Z,Medium,3600,0\n"
        "a-show,S1,2024-01-01T00:00:09Z,,12,0.25\n"  # no warehouse: the export cannot price it
    )
    cost = _session_cost(tmp_path, nodes, csv_text)
    assert cost.nodes[P + "a"].credits == pytest.approx(9 / 3600 * 8 + 0.5 + 3.6 / 3600 * 4)
    assert cost.nodes[P + "a"].detail == (
        "2 queries in session S1: measured execution time on M + cloud services; measured execution "
        "time on L + cloud services (1 query without credits or warehouse size left out)"
    )


def test_a_malformed_start_time_in_a_needed_row_names_file_row_and_value(tmp_path: Path) -> None:
    nodes = [Node("a", 0.0, 10.0, adapter_response={"query_id": "a-merge"})]
    csv_text = (
        "QUERY_ID,QUERY_TEXT,SESSION_ID,START_TIME,CREDITS_ATTRIBUTED_COMPUTE\n"
        'a-merge,"merge into x\nusing y",S1,2024-01-01T00:00:05Z,1\n'  # two lines
        "elsewhere,select 1,S9,not a time either,1\n"  # another session: never needed, no error
        "a-temp,select 2,S1,yesterday,1\n"
    )
    with pytest.raises(InputFileError) as raised:
        _session_cost(tmp_path, nodes, csv_text)
    assert str(raised.value) == (
        f"{tmp_path / 'query_history.csv'}: row 3 (line 5, query a-temp): "
        "START_TIME 'yesterday' is not a timestamp"
    )


def test_cli_prices_nodes_from_a_session_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nodes = [Node("a", 0.0, 10.0, adapter_response={"query_id": "a-merge"})]
    target = write_artifacts(tmp_path / "target", nodes, adapter="snowflake")
    csv_path = tmp_path / "query_history.csv"
    csv_path.write_text(_rows(("a-temp", "S1", 1.0, 1.0), ("a-merge", "S1", 5.0, 2.0)))
    code = main(
        ["analyze", str(target), "--no-history", "--format", "json", "--query-history", str(csv_path)]
    )
    assert code == 0, capsys.readouterr().err
    report = json.loads((target / "pipeline_kit" / "analysis.json").read_text())
    assert report["cost"]["basis"] == "measured"
    assert "from QUERY_HISTORY" in report["cost"]["method"]
    # the analysis passes run_results' timings: both statements of a's session, not the last only
    assert report["cost"]["per_run"] == pytest.approx((1.0 + 2.0) * CostSettings().price_per_credit)
    (node,) = (n for n in report["nodes"] if n["name"] == "a")
    assert node["cost_detail"].startswith("2 queries in session S1"), node


def test_query_history_without_query_id_column_is_rejected(tmp_path: Path) -> None:
    target = write_artifacts(tmp_path / "t", diamond(), adapter="snowflake")
    csv_path = tmp_path / "export.csv"
    csv_path.write_text("id,credits\n1,2\n")
    with pytest.raises(InputFileError, match="no QUERY_ID column"):
        _cost(target, CostSettings(query_history_csv=csv_path))


def test_bigquery_cost_is_bytes_billed_times_price_per_tib(tmp_path: Path) -> None:
    nodes = [
        Node("a", 0.0, 1.0, adapter_response={"bytes_billed": 2 * 1024**4, "bytes_processed": 3}),
        Node("b", 0.0, 1.0, thread="Thread-2", adapter_response={"bytes_billed": 1024**4 // 4}),
        Node("c", 1.0, 2.0, adapter_response={}),  # a test/no-op without bytes: not priced
    ]
    cost = _cost(
        write_artifacts(tmp_path, nodes, adapter="bigquery"), CostSettings(bigquery_price_per_tib=6.25)
    )
    assert cost.nodes[P + "a"].amount == pytest.approx(12.5)
    assert cost.nodes[P + "b"].amount == pytest.approx(6.25 / 4)
    assert P + "c" not in cost.nodes
    assert cost.per_run == pytest.approx(12.5 + 6.25 / 4)
    assert cost.basis == "measured"


def test_other_adapters_use_a_price_per_hour(tmp_path: Path) -> None:
    cost = _cost(write_artifacts(tmp_path, diamond(), adapter="postgres"), CostSettings(price_per_hour=10.0))
    assert cost.per_run == pytest.approx(11 / 3600 * 10.0)
    assert cost.basis == "estimate"


def test_no_price_means_no_cost(tmp_path: Path) -> None:
    cost = _cost(write_artifacts(tmp_path, diamond(), adapter="duckdb"), CostSettings())
    assert cost.per_run == 0.0
    assert cost.basis == "none"
    assert "--price-per-hour" in cost.method
