"""Run dbt against the integration project on one adapter (in this process, or as a subprocess).

Each `AdapterTarget` knows how to reach its warehouse: a DuckDB file in a temp dir, a fresh
schema on a PostgreSQL server, or the fakesnow emulator (whose databases live in a temp dir
across invocations, so stateful tests can run batch after batch). Later suites (merge, SCD,
quality) reuse `DbtProject.run` with `dbt_vars` per batch: the integration project's own switches
travel as environment variables (see `split_vars`), the package's vars as `--vars`.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[3]
INTEGRATION_PROJECT = REPO_ROOT / "integration_tests"
BIN_DIR = Path(sys.executable).parent
DBT = str(BIN_DIR / "dbt")
FAKESNOW = str(BIN_DIR / "fakesnow")
ADAPTERS = ("duckdb", "postgres", "snowflake")


@dataclass(frozen=True)
class DbtResult:
    args: tuple[str, ...]
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def tail(self, lines: int = 80) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


@dataclass
class AdapterTarget:
    """Where one adapter's warehouse lives for this test session."""

    name: str
    workdir: Path
    schema: str
    env: dict[str, str] = field(default_factory=dict)

    def command(self, args: Sequence[str]) -> list[str]:
        if self.name == "snowflake":
            # fakesnow patches the Snowflake connector inside the dbt process; -d keeps databases.
            return [FAKESNOW, "-d", str(self.workdir / "fakesnow"), DBT, *args]
        return [DBT, *args]


@contextlib.contextmanager
def _emulator(target: AdapterTarget) -> Iterator[None]:
    """fakesnow's patch of the Snowflake connector for one in-process run (what `fakesnow -d DIR
    dbt ...` does in its own process); its exit closes the emulator's DuckDB, so the test can read
    the database files afterwards."""
    if target.name != "snowflake":
        yield
        return
    import fakesnow

    with fakesnow.patch(db_path=str(target.workdir / "fakesnow")):
        yield


def _release_duckdb_files(target: AdapterTarget) -> None:
    # dbt-duckdb keeps its database open between runs of one process; the test reads the file next.
    if target.name == "duckdb":
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        DuckDBConnectionManager.close_all_connections()


def run_in_this_process(
    target: AdapterTarget, project_dir: Path, cli_args: list[str], run_env: dict[str, str]
) -> DbtResult:
    """dbt's Python entry point with the environment, working directory and console output a
    subprocess would have: only this run's PK_VAR_ switches, no colours, stdout and stderr kept.
    Returns 0 when dbt succeeded, 1 when a node failed, 2 when dbt raised (as the CLI exits)."""
    from dbt.cli.main import dbtRunner

    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    for key in [key for key in os.environ if key.startswith("PK_VAR_")]:
        del os.environ[key]
    os.environ.update(run_env)
    os.environ["DBT_USE_COLORS"] = "false"
    output = io.StringIO()
    try:
        os.chdir(project_dir)
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output), _emulator(target):
            result = dbtRunner().invoke(cli_args)
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        _release_duckdb_files(target)
    text = output.getvalue()
    if result.exception is not None:
        text += f"\n{type(result.exception).__name__}: {result.exception}\n"
        return DbtResult(tuple(cli_args), 2, text)
    return DbtResult(tuple(cli_args), 0 if result.success else 1, text)


def make_target(name: str, workdir: Path) -> AdapterTarget:
    schema = f"pk_it_{uuid.uuid4().hex[:10]}"
    env = {"PK_TARGET": name, "PK_SCHEMA": schema}
    if name == "duckdb":
        env["PK_DUCKDB_PATH"] = str(workdir / "integration.duckdb")
        env["PK_SCHEMA"] = "main"
    if name == "snowflake":
        (workdir / "fakesnow").mkdir(parents=True, exist_ok=True)
    return AdapterTarget(name=name, workdir=workdir, schema=env["PK_SCHEMA"], env=env)


def split_vars(dbt_vars: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, str]]:
    """(--vars, environment) for one run. The package's own vars (`pipeline_kit_*`) go to --vars;
    the integration project's switches go to PK_VAR_<NAME> as JSON, read by its `it_var` macro.
    dbt re-parses the whole project when --vars change (about 3 s a run) but only the files that
    read an environment variable when it changes, and the suite changes switches every batch."""
    cli_vars: dict[str, Any] = {}
    env: dict[str, str] = {}
    for name, value in (dbt_vars or {}).items():
        if name.startswith("pipeline_kit_"):
            cli_vars[name] = value
        else:
            env[f"PK_VAR_{name.upper()}"] = json.dumps(value)
    return cli_vars, env


@dataclass
class DbtProject:
    """The integration project (or a copy of it) bound to one adapter target."""

    target: AdapterTarget
    project_dir: Path = INTEGRATION_PROJECT

    def invocation(
        self, args: Sequence[str], dbt_vars: dict[str, Any] | None
    ) -> tuple[list[str], dict[str, str]]:
        """The command line and the environment variables of one dbt run (subprocess or in-process)."""
        cli_args = [*args, "--project-dir", str(self.project_dir), "--profiles-dir", str(self.project_dir)]
        cli_args += ["--target", self.target.name]
        cli_vars, var_env = split_vars(dbt_vars)
        if cli_vars:
            cli_args += ["--vars", json.dumps(cli_vars)]
        env = {
            **self.target.env,
            **var_env,
            "DBT_TARGET_PATH": str(self.target.workdir / "target"),
            "DBT_LOG_PATH": str(self.target.workdir / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        return cli_args, env

    def run(self, *args: str, dbt_vars: dict[str, Any] | None = None, timeout: int = 900) -> DbtResult:
        """One dbt command. In this process: a dbt process spends 3-5 s of CPU importing dbt and
        its adapter before any work, most of a short run, and most runs here are short.
        PK_IT_SUBPROCESS=1 runs every command as its own process instead, the way a user does,
        with `timeout`."""
        cli_args, run_env = self.invocation(args, dbt_vars)
        if os.environ.get("PK_IT_SUBPROCESS") == "1":
            return self._run_subprocess(cli_args, run_env, timeout)
        return run_in_this_process(self.target, self.project_dir, cli_args, run_env)

    def _run_subprocess(self, cli_args: list[str], run_env: dict[str, str], timeout: int) -> DbtResult:
        # switches of the test process itself never reach dbt: only this run's (split_vars)
        inherited = {key: value for key, value in os.environ.items() if not key.startswith("PK_VAR_")}
        env = {**inherited, **run_env, "DBT_USE_COLORS": "false", "PYTHONWARNINGS": "ignore"}
        completed = subprocess.run(
            self.target.command(cli_args),
            cwd=self.project_dir,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return DbtResult(tuple(cli_args), completed.returncode, completed.stdout + completed.stderr)

    def deps(self) -> DbtResult:
        return self.run("deps")


def connect_postgres(**options: Any) -> Any:
    """A psycopg2 connection to the server the integration profile points at (same env vars)."""
    import psycopg2

    return psycopg2.connect(
        host=os.environ.get("PK_PG_HOST", "127.0.0.1"),
        port=int(os.environ.get("PK_PG_PORT", "5432")),
        user=os.environ.get("PK_PG_USER", "postgres"),
        password=os.environ.get("PK_PG_PASSWORD", ""),
        dbname=os.environ.get("PK_PG_DBNAME", "postgres"),
        **options,
    )


def postgres_reachable() -> tuple[bool, str]:
    """Can we open a connection to the PostgreSQL the integration profile points at?"""
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        return False, "psycopg2 is not installed (pip install -e '.[postgres]')"
    try:
        connection = connect_postgres(connect_timeout=3)
    except Exception as error:  # any connection failure means "not reachable"
        return False, f"PostgreSQL not reachable at 127.0.0.1:5432 ({str(error).strip()})"
    connection.close()
    return True, ""


def drop_postgres_schema(schema: str) -> None:
    connection = connect_postgres()
    connection.autocommit = True
    with connection.cursor() as cursor:
        # dbt creates the schema and "<schema>_dbt_test__audit"-style siblings; drop them all.
        cursor.execute(
            "select nspname from pg_namespace where nspname = %s or nspname like %s",
            (schema, schema + "\\_%"),
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'drop schema if exists "{name}" cascade')
    connection.close()


def copy_project_tree(destination: Path) -> Path:
    """Copy the package (repo root) with its integration project, for tests that mutate macros."""
    ignore = shutil.ignore_patterns(
        ".git",
        ".venv",
        "target",
        "dbt_packages",
        "logs",
        "*.duckdb",
        "python_plugins",
        "benchmarks",
        "examples",
    )
    shutil.copytree(REPO_ROOT, destination, ignore=ignore)
    return destination / "integration_tests"


def iter_failures(result: DbtResult) -> Iterator[str]:
    for line in result.output.splitlines():
        if "FAIL" in line or "ERROR" in line or "Error" in line:
            yield line.strip()
