"""What each node cost, labelled "estimate" (derived from duration) or "measured" (billed by the warehouse).

- Snowflake, estimate: seconds x the warehouse's credits/hour x price per credit. It ignores the
  60-second minimum on resume and counts concurrent queries on one warehouse separately, so
  it is an upper-bound style estimate.
- Snowflake, measured: a QUERY_HISTORY (or QUERY_ATTRIBUTION_HISTORY) CSV export joined on query_id.
- BigQuery, measured: `bytes_billed` from dbt's adapter_response x price per TiB (on-demand pricing).
- Any other adapter, estimate: seconds x a configurable price per hour of compute.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline_kit.artifacts.loading import finite_number
from pipeline_kit.errors import InputFileError

if TYPE_CHECKING:
    from pipeline_kit.analyze.timeline import NodeRun

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
    runs: Iterable[NodeRun], warehouses: Mapping[str, str], adapter: str, settings: CostSettings
) -> CostReport:
    """Price every node of the run; `warehouses` maps unique_id -> its `snowflake_warehouse`."""
    adapter = (settings.adapter or adapter or "unknown").lower()
    runs = list(runs)
    costs: dict[str, NodeCost] = {}
    unpriced_reason = ""
    if adapter == "snowflake":
        measured = _read_query_history(settings.query_history_csv) if settings.query_history_csv else {}
        sizes: dict[str, str] = {}
        method = "Snowflake credits" + (" from QUERY_HISTORY where joined on query_id" if measured else "")
        for run in runs:
            query_id = str(run.adapter_response.get("query_id") or "")
            if query_id and query_id in measured:
                credits, how = measured[query_id]
                costs[run.unique_id] = NodeCost(
                    run.unique_id, credits * settings.price_per_credit, "measured", how, credits
                )
            else:
                warehouse = warehouses.get(run.unique_id, "")
                if warehouse not in sizes:
                    sizes[warehouse] = _warehouse_size(warehouse, settings)
                costs[run.unique_id] = _snowflake_estimate(run, warehouse, sizes[warehouse], settings)
    elif adapter == "bigquery":
        method = f"BigQuery bytes_billed x {settings.bigquery_price_per_tib} {settings.currency}/TiB"
        for run in runs:
            billed = run.adapter_response.get("bytes_billed")
            if isinstance(billed, int | float) and not isinstance(billed, bool):
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
    named = normalise_size(settings.warehouse_sizes.get(warehouse, warehouse)) if warehouse else None
    return named or normalise_size(settings.default_warehouse_size) or "XS"


def _snowflake_estimate(run: NodeRun, warehouse: str, size: str, settings: CostSettings) -> NodeCost:
    rate = SNOWFLAKE_CREDITS_PER_HOUR[size]
    credits = run.execution_s / 3600 * rate
    label = f"{warehouse} " if warehouse else ""
    detail = f"{label}{size}: {run.execution_s:.2f} s x {rate:g} credits/h"
    return NodeCost(run.unique_id, credits * settings.price_per_credit, "estimate", detail, credits)


def _read_query_history(path: Path) -> dict[str, tuple[float, str]]:
    """query_id -> (credits, how we got them) from a Snowflake CSV export (header names any case)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise InputFileError(path, f"cannot read the query history ({error.strerror})") from None
    except (csv.Error, UnicodeDecodeError) as error:
        raise InputFileError(path, f"not a readable CSV file ({error})") from None
    if not rows or "QUERY_ID" not in {(key or "").upper() for key in rows[0]}:
        raise InputFileError(path, "not a Snowflake QUERY_HISTORY export (no QUERY_ID column)")
    credits_by_query: dict[str, tuple[float, str]] = {}
    for raw in rows:
        row = {(key or "").upper(): (value or "").strip() for key, value in raw.items()}
        query_id = row["QUERY_ID"]
        cloud = finite_number(row.get("CREDITS_USED_CLOUD_SERVICES")) or 0.0
        attributed = finite_number(row.get("CREDITS_ATTRIBUTED_COMPUTE"))
        if attributed is not None:
            credits_by_query[query_id] = (attributed + cloud, "attributed compute + cloud services credits")
            continue
        execution_ms = finite_number(row.get("EXECUTION_TIME"))
        size = normalise_size(row.get("WAREHOUSE_SIZE", ""))
        if execution_ms is not None and size is not None:
            compute = execution_ms / 1000 / 3600 * SNOWFLAKE_CREDITS_PER_HOUR[size]
            credits_by_query[query_id] = (
                compute + cloud,
                f"measured execution time on {size} + cloud services",
            )
    return credits_by_query
