"""The `pipeline-kit` command: thin click commands over the package's Python API.

Subcommands register themselves here (analyze, airflow, quality); each one catches nothing
itself: PipelineKitError is turned into one line on stderr and exit code 2 by `main`.
"""

from __future__ import annotations

import sys
import traceback

import click

from pipeline_kit import __version__
from pipeline_kit.airflow.commands import airflow_group
from pipeline_kit.analyze.command import analyze_command
from pipeline_kit.errors import ExitCode, PipelineKitError
from pipeline_kit.quality.cli import quality


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pipeline-kit")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Tooling around a dbt run: Airflow DAG generation and artifact analysis."""
    ctx.obj = {"debug": debug}


cli.add_command(airflow_group)
cli.add_command(analyze_command)
cli.add_command(quality)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the click group and map errors to the named exit codes."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="pipeline-kit", standalone_mode=False)
    except PipelineKitError as error:
        if debug:
            traceback.print_exc()
        click.echo(f"pipeline-kit: error: {error}", err=True)
        return int(error.exit_code)
    except click.exceptions.Abort:
        click.echo("pipeline-kit: aborted", err=True)
        return int(ExitCode.USAGE_OR_INPUT_ERROR)
    except click.ClickException as error:
        error.show()
        return int(ExitCode.USAGE_OR_INPUT_ERROR)
    except click.exceptions.Exit as exit_request:
        return int(exit_request.exit_code)
    except Exception as error:
        # a bug must not exit 1, which CI reads as "a gate failed"
        if debug:
            traceback.print_exc()
        detail = " ".join(str(error).split())
        click.echo(
            f"pipeline-kit: internal error ({type(error).__name__}: {detail}); "
            "run again with --debug for the traceback and please report it",
            err=True,
        )
        return int(ExitCode.USAGE_OR_INPUT_ERROR)
    return int(ExitCode.OK)


def run() -> None:
    """Console-script wrapper."""
    sys.exit(main())


if __name__ == "__main__":
    run()
