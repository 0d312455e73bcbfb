"""`pipeline-kit analyze [TARGET]`: a thin click layer over `pipeline_kit.analyze.pipeline`."""

from __future__ import annotations

import json
import math
from pathlib import Path

import click
from rich.console import Console

from pipeline_kit.analyze.cost import CostSettings, normalise_size
from pipeline_kit.artifacts.loading import finite_number
from pipeline_kit.artifacts.run_results import MAX_THREADS
from pipeline_kit.errors import GateFailedError, PipelineKitError

# No price, rate or threshold is larger; products of larger ones overflowed to an internal error.
MAX_AMOUNT = 1e9


def _amount(_ctx: click.Context, _param: click.Parameter, value: float) -> float:
    """A price, a rate or a threshold must be a finite number >= 0: click's float accepts nan,
    inf and negative values, which made costs of nan or -0.0000 and a report JSON with NaN in it."""
    if not math.isfinite(value) or not 0 <= value <= MAX_AMOUNT:
        raise click.BadParameter(f"expected a finite number >= 0 and <= {MAX_AMOUNT:g}, got {value!r}")
    return value


def _pairs(specs: tuple[str, ...], option: str) -> list[tuple[str, str]]:
    pairs = []
    for spec in specs:
        key, sep, value = spec.rpartition("=")
        if not sep or not key or not value:
            raise PipelineKitError(f"{option} {spec!r}: expected NAME=VALUE")
        pairs.append((key.strip(), value.strip()))
    return pairs


def _what_ifs(specs: tuple[str, ...]) -> list[tuple[str, float]]:
    parsed = []
    for node, value in _pairs(specs, "--what-if"):
        percent = finite_number(value.rstrip("%"))
        if percent is None or not 0 <= percent <= 100:
            raise PipelineKitError(
                f"--what-if {node}={value}: expected NODE=PERCENT with PERCENT from 0 to 100, e.g. orders=50"
            )
        parsed.append((node, percent))
    return parsed


def _warehouses(specs: tuple[str, ...]) -> dict[str, str]:
    sizes = {}
    for name, size in _pairs(specs, "--warehouse"):
        if normalise_size(size) is None:
            raise PipelineKitError(f"--warehouse {name}={size}: unknown size (XS, S, M, L, XL, 2XL ... 6XL)")
        sizes[name] = size
    return sizes


@click.command("analyze")
@click.argument("target", type=click.Path(path_type=Path), default=Path("target"))
@click.option(
    "--manifest", type=click.Path(path_type=Path), help="manifest.json (default: TARGET/manifest.json)"
)
@click.option("--run-results", type=click.Path(path_type=Path), help="run_results.json (default: in TARGET)")
@click.option(
    "--output-dir",
    "-o",
    type=click.Path(path_type=Path),
    help="Where analysis.json/.md/.html go (default: TARGET/pipeline_kit).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "markdown", "none"]),
    default="table",
    show_default=True,
    help="What to print on stdout.",
)
@click.option(
    "--threads",
    type=click.IntRange(1, MAX_THREADS),
    help="Threads dbt was given (profiles.yml); default: from run_results args, else the thread ids seen.",
)
@click.option("--top", type=click.IntRange(1), default=10, show_default=True, help="Rows in top-N tables.")
@click.option(
    "--what-if",
    "what_if",
    multiple=True,
    metavar="NODE=PCT",
    help="Predict the wall time if NODE (name or unique_id) were PCT% faster; repeatable.",
)
@click.option("--adapter", default="", help="Price as this adapter (default: the manifest's adapter_type).")
@click.option("--currency", default="USD", show_default=True)
@click.option(
    "--price-per-credit", type=float, callback=_amount, default=3.0, show_default=True, help="Snowflake."
)
@click.option(
    "--warehouse-size", default="XS", show_default=True, help="Snowflake size for nodes without one."
)
@click.option("--warehouse", multiple=True, metavar="NAME=SIZE", help="Size of a named Snowflake warehouse.")
@click.option(
    "--query-history",
    type=click.Path(path_type=Path),
    help="Snowflake QUERY_HISTORY CSV export: measured credits of each node's queries (those of its "
    "last statement's SESSION_ID that started in its run window; without SESSION_ID/START_TIME, the last "
    "statement only). A START_TIME without a UTC offset is read as UTC.",
)
@click.option("--bigquery-price-per-tib", type=float, callback=_amount, default=6.25, show_default=True)
@click.option(
    "--price-per-hour",
    type=float,
    callback=_amount,
    default=0.0,
    help="Other adapters: compute price per hour.",
)
@click.option(
    "--runs-per-day",
    type=float,
    callback=_amount,
    default=1.0,
    show_default=True,
    help="For the monthly projection.",
)
@click.option(
    "--history",
    "history_path",
    type=click.Path(path_type=Path),
    help="DuckDB history file (default: $PIPELINE_KIT_HISTORY or .pipeline_kit/analyze_history.duckdb).",
)
@click.option("--no-history", is_flag=True, help="Do not record this run or compare with earlier ones.")
@click.option(
    "--window", type=click.IntRange(1), default=30, show_default=True, help="Runs in trends/baseline."
)
@click.option("--regression-pct", type=float, callback=_amount, default=20.0, show_default=True)
@click.option(
    "--regression-min-s",
    type=float,
    callback=_amount,
    default=1.0,
    show_default=True,
    help="Ignore slowdowns smaller than this many seconds.",
)
@click.option(
    "--fail-on",
    "fail_on",
    multiple=True,
    metavar="RULE=N",
    help="Exit 1 when RULE exceeds N: wall_s, failures, cost_per_run, cost_per_month, "
    "wall_regression_pct, node_regression_pct; repeatable.",
)
def analyze_command(  # noqa: PLR0917 - click passes each option by keyword
    target: Path,
    manifest: Path | None,
    run_results: Path | None,
    output_dir: Path | None,
    output_format: str,
    threads: int | None,
    top: int,
    what_if: tuple[str, ...],
    adapter: str,
    currency: str,
    price_per_credit: float,
    warehouse_size: str,
    warehouse: tuple[str, ...],
    query_history: Path | None,
    bigquery_price_per_tib: float,
    price_per_hour: float,
    runs_per_day: float,
    history_path: Path | None,
    no_history: bool,
    window: int,
    regression_pct: float,
    regression_min_s: float,
    fail_on: tuple[str, ...],
) -> None:
    """Analyze a dbt run from its artifacts: bottlenecks, critical path, threads, cost, history."""
    # Imported here: DuckDB and the analysis modules load only when this command runs.
    from pipeline_kit.analyze.history import default_history_path
    from pipeline_kit.analyze.pipeline import AnalyzeRequest, run_analysis
    from pipeline_kit.analyze.render_markdown import render_markdown
    from pipeline_kit.analyze.render_terminal import render_terminal

    if normalise_size(warehouse_size) is None:
        raise PipelineKitError(
            f"--warehouse-size {warehouse_size}: unknown size (XS, S, M, L, XL, 2XL ... 6XL)"
        )
    request = AnalyzeRequest(
        target=target,
        manifest=manifest,
        run_results=run_results,
        output_dir=output_dir or target / "pipeline_kit",
        top=top,
        threads=threads,
        what_if=_what_ifs(what_if),
        cost=CostSettings(
            adapter=adapter,
            currency=currency,
            price_per_credit=price_per_credit,
            default_warehouse_size=warehouse_size,
            warehouse_sizes=_warehouses(warehouse),
            bigquery_price_per_tib=bigquery_price_per_tib,
            price_per_hour=price_per_hour,
            runs_per_day=runs_per_day,
            query_history_csv=query_history,
        ),
        history_path=None if no_history else (history_path or default_history_path()),
        window=window,
        regression_pct=regression_pct,
        regression_min_s=regression_min_s,
        fail_on=fail_on,
    )
    stderr = Console(stderr=True)
    try:
        outcome = run_analysis(request, progress_console=stderr)
        if output_format == "table":
            render_terminal(outcome.report, Console(), top=top)
        elif output_format == "json":
            click.echo(json.dumps(outcome.report, indent=2, allow_nan=False))
        elif output_format == "markdown":
            click.echo(render_markdown(outcome.report, top=top), nl=False)
    except (PipelineKitError, click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
        raise
    except Exception as error:
        # Exit code 1 means "a gate failed" to CI; an uncaught exception would exit 1 too.
        raise PipelineKitError(
            f"internal error ({type(error).__name__}: {' '.join(str(error).split())}); "
            "run again with --debug for the traceback and please report it"
        ) from error
    written = ", ".join(str(path) for path in outcome.written)
    click.echo(f"pipeline-kit analyze: wrote {written}", err=True)
    failed = [gate for gate in outcome.report["gates"] if not gate["passed"]]
    if failed:
        raise GateFailedError("gate failed: " + "; ".join(f"{g['rule']} ({g['detail']})" for g in failed))
