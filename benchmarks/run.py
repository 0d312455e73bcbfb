"""Benchmark runner: `python benchmarks/run.py NAME [--scale N] [--adapters duckdb,postgres]`.

Each benchmark lives in `benchmarks/bench_<name>.py` and exposes
`run(options: BenchOptions) -> list[BenchResult]`. It builds its own data, runs ours and the
baseline side by side in this one process run, and we print a table plus one line per result:
`RESULT <name> ours_s=<float> baseline_s=<float> ratio=<ours/baseline>` (lower is better).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BenchOptions, BenchResult, print_results


def available() -> list[str]:
    here = Path(__file__).resolve().parent
    return sorted(path.stem.removeprefix("bench_") for path in here.glob("bench_*.py"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("name", choices=available())
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the data size (default 1.0)")
    parser.add_argument("--adapters", default="duckdb,postgres", help="comma-separated adapters to run on")
    parser.add_argument("--repeat", type=int, default=1, help="runs per side; the median is reported")
    args = parser.parse_args(argv)
    module = importlib.import_module(f"bench_{args.name}")
    options = BenchOptions(
        scale=args.scale,
        adapters=tuple(a.strip() for a in args.adapters.split(",") if a.strip()),
        repeat=args.repeat,
    )
    results: list[BenchResult] = module.run(options)
    print_results(args.name, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
