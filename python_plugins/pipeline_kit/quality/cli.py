"""`pipeline-kit quality`: print the scorecard, write Markdown + HTML, gate on --threshold."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline_kit.errors import GateFailedError, InputFileError, PipelineKitError
from pipeline_kit.quality.connections import Query, dbapi_query, duckdb_query
from pipeline_kit.quality.report import not_run as describe_not_run
from pipeline_kit.quality.report import render_html, render_markdown, render_text
from pipeline_kit.quality.results import load_rule_results
from pipeline_kit.quality.scorecard import Scorecard

MODES = {
    "results table": "rows, from the pipeline_kit results table",
    "warehouse": "rows, from re-running the tests' SQL on the warehouse",
    "artifacts": "tests: artifacts only, each test counts as one check",
}


@click.command("quality")
@click.option(
    "--target-dir",
    type=click.Path(path_type=Path),
    default=Path("target"),
    show_default=True,
    help="dbt target directory holding run_results.json and manifest.json.",
)
@click.option("--duckdb", "duckdb_path", type=click.Path(path_type=Path), help="DuckDB warehouse file.")
@click.option("--connection", help="PostgreSQL connection URL (psycopg2) for the results table / tests.")
@click.option(
    "--results-table",
    default="pipeline_kit_test_results",
    show_default=True,
    help="Results table (schema-qualify it when not in the search path).",
)
@click.option(
    "--output-dir",
    type=click.Path(path_type=Path),
    help="Where to write quality.md / quality.html [target-dir/quality].",
)
@click.option(
    "--threshold",
    type=float,
    help="Exit 1 when any score (overall, dimension, model) is below this (0-1), or no row was evaluated.",
)
@click.option(
    "--allow-empty",
    is_flag=True,
    help="With --threshold: pass when no row was evaluated at all (every score n/a).",
)
def quality(  # noqa: PLR0917 (one parameter per click option)
    target_dir: Path,
    duckdb_path: Path | None,
    connection: str | None,
    results_table: str,
    output_dir: Path | None,
    threshold: float | None,
    allow_empty: bool,
) -> None:
    """Score the last dbt run's tests per dimension and model (passing / evaluated rows)."""
    if threshold is not None and not 0 <= threshold <= 1:
        raise PipelineKitError(f"--threshold must be between 0 and 1 (got {threshold})")
    if duckdb_path and connection:
        raise PipelineKitError("give --duckdb or --connection, not both")
    query: Query | None = None
    if duckdb_path:
        query = duckdb_query(duckdb_path)
    elif connection:
        query = dbapi_query(connection)
    results, source = load_rule_results(target_dir, query, results_table)
    card = Scorecard(results, mode=MODES[source])
    if not results:
        card.notes.append("no recorded quality tests in this run")
    card.notes.extend(rule.note for rule in results if rule.note)
    not_run = card.not_run_tests()
    if not_run:
        card.notes.append(
            f"{len(not_run)} test(s) errored or were skipped and evaluated no rows (listed as failing "
            "rules; --threshold fails on them)"
        )
    unscored = card.unscored()
    if card.overall.evaluated_rows and unscored:
        card.notes.append(f"no rows evaluated, score n/a (not gated by --threshold): {', '.join(unscored)}")
    click.echo(render_text(card), nl=False)
    out = output_dir or target_dir / "quality"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputFileError(out, f"cannot create the output directory: {error.strerror or error}") from None
    (out / "quality.md").write_text(render_markdown(card))
    (out / "quality.html").write_text(render_html(card, threshold))
    click.echo(f"  reports: {out / 'quality.md'}, {out / 'quality.html'}")
    if threshold is not None:
        # an errored or skipped test checked nothing: passing on the other tests' scores would hide it
        problems = [f"{describe_not_run(rule)}: {rule.rule}" for rule in not_run]
        if card.overall.evaluated_rows == 0 and not allow_empty:
            # a gate that passes when nothing was checked hides an empty model or a broken run
            rules = card.overall.rules
            what = f"the run's {rules} scored rule(s) read 0 rows" if rules else "the run has no scored tests"
            problems.insert(0, f"nothing was evaluated: {what} (--allow-empty accepts that)")
        below = card.below(threshold)
        if below:
            problems.append(f"quality below {threshold}: " + ", ".join(below))
        if problems:
            raise GateFailedError("; ".join(problems))
