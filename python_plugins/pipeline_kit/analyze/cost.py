"""What each node cost, labelled "estimate" (derived from duration) or "measured" (billed by the warehouse).

- Snowflake, estimate: seconds x the warehouse's credits/hour x price per credit. It ignores the
  60-second minimum on resume and counts concurrent queries on one warehouse separately, so
  it is an upper-bound style estimate.
- Snowflake, measured: a QUERY_HISTORY (or QUERY_ATTRIBUTION_HISTORY) CSV export. dbt records the
  query_id of a node's last statement only; the node is charged for every query of the export in
  that statement's Snowflake session that started within the node's run window (query_history.py;
  a START_TIME without an offset is read as UTC). An export without SESSION_ID/START_TIME (e.g.
  QUERY_ATTRIBUTION_HISTORY) gives the last statement only, and the node's detail says so.
- BigQuery, measured: `bytes_billed` from dbt's adapter_response x price per TiB (on-demand pricing).
- Any other adapter, estimate: seconds x a configurable price per hour of compute.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline_kit.analyze.query_history import (
    NodeWindow,
    QueryHistory,
    QueryRow,
    read_query_history,
    session_queries,
)
from pipeline_kit.artifacts.loading import as_float
from pipeline_kit.errors import PipelineKitError

if TYPE_CHECKING:
    from pipeline_kit.analyze.timeline import NodeRun
    from pipeline_kit.artifacts import RunResults

SNOWFLAKE_CREDITS_PER_HOUR: Mapping[str, float] = {
    "XS": 1, "S": 2, "M": 4, "L": 8, "XL": 16, "2XL": 32, "3XL": 64, "4XL": 128, "5XL": 256, "6XL": 512,
}  # fmt: skip
_SIZE_ALIASES = {
    "X-SMALL": "XS", "XSMALL": "XS", "SMALL": "S", "MEDIUM": "M", "LARGE": "L", "X-LARGE": "XL",
    "XLARGE": "XL", "2X-LARGE": "2XL", "XXLARGE": "2XL", "3X-LARGE": "3XL", "XXXLARGE": "3XL",
    "4X-LARGE": "4XL", "5X-LARGE": "5XL", "6X-LARGE": "6XL",
}  # fmt: skip
TIB = 1024**4
DAYS_PER_MONTH = 30


@dataclass(frozen=True)
class CostSettings:
    adapter: str = ""  # overrides the manifest's adapter_type when set
    currency: str = "USD"
    price_per_credit: float = 3.0
    default_warehouse_size: str = "XS"
    # Warehouse name (as in `snowflake_warehouse`) -> size (XS..6XL).
    warehouse_sizes: Mapping[str, str] = field(default_factory=dict)
    bigquery_price_per_tib: float = 6.25
    price_per_hour: float = 0.0  # other adapters; 0 means "do not price"
    runs_per_day: float = 1.0
    query_history_csv: Path | None = None


@dataclass(frozen=True)
class NodeCost:
    unique_id: str
    amount: float
    basis: str  # "estimate" or "measured"
    detail: str
    credits: float | None = None


@dataclass(frozen=True)
class CostReport:
    adapter: str
    currency: str
    basis: str  # "estimate", "measured", "mixed" or "none"
    method: str
    per_run: float
    per_month: float
    runs_per_day: float
    nodes: Mapping[str, NodeCost]
    # Why nothing can be priced on this adapter with these settings (a cost gate could then never
    # fail), else "".
    unpriced_reason: str = ""


def normalise_size(size: str) -> str | None:
    upper = size.strip().upper().replace("_", "-")
    upper = _SIZE_ALIASES.get(upper, upper)
    return upper if upper in SNOWFLAKE_CREDITS_PER_HOUR else None


def estimate_costs(
    runs: Iterable[NodeRun],
    warehouses: Mapping[str, str],
    adapter: str,
    settings: CostSettings,
    run_results: RunResults | None = None,
) -> CostReport:
    """Price every node of the run; `warehouses` maps unique_id -> its `snowflake_warehouse`.
    `run_results` gives the nodes' UTC run windows for a query history with sessions; without it
    a measured node is charged for its last statement only."""
    adapter = (settings.adapter or adapter or "unknown").lower()
    runs = list(runs)
    costs: dict[str, NodeCost] = {}
    unpriced_reason = ""
    if settings.query_history_csv and adapter != "snowflake":
        # it was never read: a missing file, or one meant for another run, passed silently
        raise PipelineKitError(
            f"--query-history {settings.query_history_csv}: a Snowflake export, but the run is priced "
            f"as {adapter} (pass --adapter snowflake to use it)"
        )
    if adapter == "snowflake":
        measured: dict[str, NodeCost] = {}
        method = "Snowflake credits"
        if settings.query_history_csv:
            history = read_query_history(settings.query_history_csv)
            measured, method = _measured_costs(runs, history, run_results, settings)
        sizes: dict[str, str] = {}
        for run in runs:
            if run.unique_id in measured:
                costs[run.unique_id] = measured[run.unique_id]
            else:
                warehouse = warehouses.get(run.unique_id, "")
                if warehouse not in sizes:
                    sizes[warehouse] = _warehouse_size(warehouse, settings)
                costs[run.unique_id] = _snowflake_estimate(run, warehouse, sizes[warehouse], settings)
        unmatched = _unmatched_warehouses((warehouses.get(run.unique_id, "") for run in runs), settings)
        if unmatched:
            method += f" (--warehouse {', '.join(unmatched)}: no node of this run uses it)"
    elif adapter == "bigquery":
        method = f"BigQuery bytes_billed x {settings.bigquery_price_per_tib} {settings.currency}/TiB"
        for run in runs:
            # finite, at most an exabyte, not negative: Infinity or 1e400 crashed, -5 gave a negative cost
            billed = as_float(run.adapter_response.get("bytes_billed"))
            if billed is not None and billed >= 0:
                amount = billed / TIB * settings.bigquery_price_per_tib
                costs[run.unique_id] = NodeCost(
                    run.unique_id, amount, "measured", f"{int(billed)} bytes billed"
                )
    elif settings.price_per_hour > 0:
        method = f"{adapter}: duration x {settings.price_per_hour} {settings.currency}/hour"
        for run in runs:
            amount = run.execution_s / 3600 * settings.price_per_hour
            costs[run.unique_id] = NodeCost(run.unique_id, amount, "estimate", f"{run.execution_s:.2f} s")
    else:
        method = unpriced_reason = f"{adapter}: no price configured (pass --price-per-hour)"
    per_run = sum(cost.amount for cost in costs.values())
    bases = {cost.basis for cost in costs.values()}
    basis = "none" if not bases else bases.pop() if len(bases) == 1 else "mixed"
    return CostReport(
        adapter=adapter,
        currency=settings.currency,
        basis=basis,
        method=method,
        per_run=per_run,
        per_month=per_run * settings.runs_per_day * DAYS_PER_MONTH,
        runs_per_day=settings.runs_per_day,
        nodes=costs,
        unpriced_reason=unpriced_reason,
    )


def _warehouse_size(warehouse: str, settings: CostSettings) -> str:
    # `snowflake_warehouse` holds a name; map it through --warehouse NAME=SIZE, else it may be a size.
    # Unquoted Snowflake names are case-insensitive: TRANSFORMING_WH=L prices transforming_wh.
    size = settings.warehouse_sizes.get(warehouse) if warehouse else None
    if warehouse and size is None:
        folded = {name.upper(): value for name, value in settings.warehouse_sizes.items()}
        size = folded.get(warehouse.upper(), warehouse)
    named = normalise_size(size) if size else None
    return named or normalise_size(settings.default_warehouse_size) or "XS"


def _unmatched_warehouses(warehouses: Iterable[str], settings: CostSettings) -> list[str]:
    used = {name.upper() for name in warehouses if name}
    return sorted(name for name in settings.warehouse_sizes if name.upper() not in used)


def _snowflake_estimate(run: NodeRun, warehouse: str, size: str, settings: CostSettings) -> NodeCost:
    rate = SNOWFLAKE_CREDITS_PER_HOUR[size]
    credits = run.execution_s / 3600 * rate
    label = f"{warehouse} " if warehouse else ""
    detail = f"{label}{size}: {run.execution_s:.2f} s x {rate:g} credits/h"
    return NodeCost(run.unique_id, credits * settings.price_per_credit, "estimate", detail, credits)


def _measured_costs(
    runs: list[NodeRun], history: QueryHistory, run_results: RunResults | None, settings: CostSettings
) -> tuple[dict[str, NodeCost], str]:
    """The nodes whose recorded query_id the export prices, and the method for the report."""
    anchors: dict[str, QueryRow] = {}
    for run in runs:
        row = history.rows.get(str(run.adapter_response.get("query_id") or ""))
        if row is not None and _query_credits(row) is not None:
            anchors[run.unique_id] = row
    # The window is the node's whole run, compile start to execute completed (RunResult.started_at
    # and completed_at): queries in compile (`run_query`, introspection) and the materialization
    # with its pre/post-hooks all bill the node, and a session runs nothing else meanwhile.
    timed = {r.unique_id: r for r in (run_results.results if run_results else ())}
    windows: dict[str, NodeWindow] = {}
    last_only: dict[str, str] = {}
    for uid, anchor in anchors.items():
        result = timed.get(uid)
        if not history.has_sessions:
            last_only[uid] = "export has no SESSION_ID/START_TIME"
        elif not anchor.session_id:
            last_only[uid] = "its query has no SESSION_ID in the export"
        elif result is None or result.started_at is None or result.completed_at is None:
            last_only[uid] = "no run_results timing to place its session's queries"
        else:
            windows[uid] = NodeWindow(anchor, result.started_at, result.completed_at)
    costs: dict[str, NodeCost] = {}
    summed = 0
    for uid, queries in session_queries(history, windows).items():
        priced = [found for row in queries if (found := _query_credits(row)) is not None]
        summed += len(priced)
        hows = "; ".join(dict.fromkeys(how for _, how in priced))
        detail = f"{_queries(len(priced))} in session {windows[uid].anchor.session_id}: {hows}"
        if unpriced := len(queries) - len(priced):
            detail += f" ({_queries(unpriced)} without credits or warehouse size left out)"
        costs[uid] = _measured(uid, sum(amount for amount, _ in priced), detail, settings)
    for uid, reason in last_only.items():
        credits, how = _query_credits(anchors[uid]) or (0.0, "")
        costs[uid] = _measured(uid, credits, f"last statement only ({reason}): {how}", settings)
    parts = []
    if windows:
        parts.append(f"{_queries(summed)} in the sessions of {len(windows)} node(s), each in its run window")
    if last_only:
        parts.append(f"last statement only for {len(last_only)} node(s)")
    return costs, "Snowflake credits" + (" from QUERY_HISTORY: " + "; ".join(parts) if parts else "")


def _measured(uid: str, credits: float, detail: str, settings: CostSettings) -> NodeCost:
    return NodeCost(uid, credits * settings.price_per_credit, "measured", detail, credits)


def _queries(count: int) -> str:
    return f"{count} {'query' if count == 1 else 'queries'}"


def _query_credits(row: QueryRow) -> tuple[float, str] | None:
    """(credits, how we got them) for one query, None when the export cannot price it."""
    if row.attributed_credits is not None:
        return row.attributed_credits + row.cloud_credits, "attributed compute + cloud services credits"
    size = normalise_size(row.warehouse_size)
    if row.execution_ms is None or size is None:
        return None
    compute = row.execution_ms / 1000 / 3600 * SNOWFLAKE_CREDITS_PER_HOUR[size]
    return compute + row.cloud_credits, f"measured execution time on {size} + cloud services"
