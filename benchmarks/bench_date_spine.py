"""date_spine: 36,500 daily rows as a table, ours vs dbt's built-in `dbt.date_spine`.

Figure per side: the model's compile + execute seconds (median of --repeat runs, default 3),
which includes the compile-time query dbt's version makes and ours does not.
"""

from __future__ import annotations

import statistics

from common import REPO_ROOT, BenchOptions, BenchResult, bench_target, dbt_deps, dbt_node_seconds

PROJECT = REPO_ROOT / "benchmarks" / "projects" / "foundation"


def run(options: BenchOptions) -> list[BenchResult]:
    dbt_deps(PROJECT)
    results = []
    for adapter in options.adapters:
        target = bench_target(adapter, "date_spine")
        ours, baseline = [], []
        for _ in range(max(options.repeat, 3)):
            seconds = dbt_node_seconds(PROJECT, target, ["spine_ours", "spine_dbt_builtin"])
            ours.append(seconds["spine_ours"])
            baseline.append(seconds["spine_dbt_builtin"])
        ours_rows = target.query_scalar("select count(*) from spine_ours")
        baseline_rows = target.query_scalar("select count(*) from spine_dbt_builtin")
        if ours_rows != baseline_rows or ours_rows != 36500:
            raise SystemExit(f"date_spine benchmark: row counts differ ({ours_rows} vs {baseline_rows})")
        results.append(
            BenchResult(
                label=adapter,
                ours_s=statistics.median(ours),
                baseline_s=statistics.median(baseline),
                baseline_name="dbt.date_spine (table)",
                extra={"rows": str(ours_rows)},
            )
        )
    return results
