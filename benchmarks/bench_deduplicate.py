"""deduplicate: 5M rows with 20% duplicate keys, ours vs a hand-written row_number() filter.

Both build a table from the same input table; the figure is each model's compile + execute
seconds (median of --repeat runs). --scale multiplies the row count.
"""

from __future__ import annotations

import statistics

from common import REPO_ROOT, BenchOptions, BenchResult, bench_target, dbt_deps, dbt_node_seconds

PROJECT = REPO_ROOT / "benchmarks" / "projects" / "foundation"


def run(options: BenchOptions) -> list[BenchResult]:
    dbt_deps(PROJECT)
    rows = int(5_000_000 * options.scale)
    dbt_vars = {"dedup_rows": rows}
    results = []
    for adapter in options.adapters:
        target = bench_target(adapter, "deduplicate")
        dbt_node_seconds(PROJECT, target, ["dedup_input"], dbt_vars)
        ours, baseline = [], []
        for _ in range(max(options.repeat, 1)):
            seconds = dbt_node_seconds(PROJECT, target, ["dedup_ours", "dedup_row_number"], dbt_vars)
            ours.append(seconds["dedup_ours"])
            baseline.append(seconds["dedup_row_number"])
        kept = target.query_scalar("select count(*) from dedup_ours")
        expected = target.query_scalar("select count(*) from dedup_row_number")
        if kept != expected or kept != (rows * 4) // 5:
            raise SystemExit(f"deduplicate benchmark: kept {kept} rows, baseline {expected}")
        results.append(
            BenchResult(
                label=adapter,
                ours_s=statistics.median(ours),
                baseline_s=statistics.median(baseline),
                baseline_name="row_number() filter",
                extra={"rows": str(rows), "kept": str(kept)},
            )
        )
    return results
