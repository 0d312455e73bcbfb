"""Cost on hand-made runs: every expected amount is worked out in the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline_kit.analyze import AnalysisOptions, analyze_run, load_run
from pipeline_kit.analyze.cost import CostSettings, normalise_size
from pipeline_kit.errors import InputFileError

from .artifact_builder import Node, diamond, write_artifacts

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
