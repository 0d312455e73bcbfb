"""SCD2 on a 1M-row dimension: pipeline_kit `materialized='scd'` vs a dbt snapshot (timestamp
strategy), on DuckDB and PostgreSQL.

Both load the same initial 1M rows (untimed), then the same batch in which 1% of the keys
changed (timed), then that batch again, which changes nothing (timed); with --repeat N, N such
rounds from freshly loaded dimensions, the side that runs first alternating, and the median of
each is reported. Times are the model's execution time from dbt's run_results.json, so dbt's
start-up cost is not counted on either side; the project lives in benchmarks/projects/scd2 and
its warehouse under .bench/scd2.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
from pathlib import Path
from typing import Any

from common import WORK_DIR, BenchOptions, BenchResult, run_dbt

PROJECT_SRC = Path(__file__).resolve().parent / "projects" / "scd2"
SCHEMA = "pk_bench_scd2"


def _sql_setup(adapter: str, rows: int, changed_every: int) -> list[str]:
    if adapter == "duckdb":
        series = f"range(1, {rows} + 1) as g(i)"
        ts = "timestamp '2024-01-01 00:00:00'"
        later = "timestamp '2024-02-01 00:00:00'"
        prefix = ""
    else:
        series = f"generate_series(1, {rows}) as g(i)"
        ts = "timestamp '2024-01-01 00:00:00'"
        later = "timestamp '2024-02-01 00:00:00'"
        prefix = f"{SCHEMA}."
    return [
        f"drop table if exists {prefix}bench_base",
        f"drop table if exists {prefix}bench_batch",
        f"drop table if exists {prefix}scd2_ours",
        f"drop table if exists {prefix}scd2_dbt",
        f"create table {prefix}bench_base as select cast(i as integer) as id,"
        " 'name ' || cast(i as varchar) as name,"
        " case when i % 3 = 0 then 'gold' else 'silver' end as tier,"
        f" cast(i % 1000 as numeric(12, 2)) as amount, {ts} as updated_at from {series}",
        # the batch keeps the dimension's column types, as a feed read by the same model does
        # (amount + 1 alone is numeric(13,2) on DuckDB and unconstrained numeric on PostgreSQL)
        f"create table {prefix}bench_batch as select id, name, 'platinum' as tier,"
        " cast(amount + 1 as numeric(12, 2)) as amount,"
        f" {later} as updated_at from {prefix}bench_base where id % {changed_every} = 0",
    ]


def _execute(adapter: str, statements: list[str], env: dict[str, str]) -> None:
    if adapter == "duckdb":
        import duckdb

        connection: Any = duckdb.connect(env["PK_DUCKDB_PATH"])
        for statement in statements:
            connection.execute(statement)
        connection.close()
        return
    import psycopg2

    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"create schema if not exists {SCHEMA}")
        for statement in statements:
            cursor.execute(statement)
        cursor.execute(f"analyze {SCHEMA}.bench_base")
        cursor.execute(f"analyze {SCHEMA}.bench_batch")
    connection.close()


def _settle(adapter: str, env: dict[str, str]) -> None:
    """PostgreSQL: vacuum both dimensions and checkpoint, so hint bits, autovacuum and the
    full-page images of the first write after a checkpoint land on neither side's timed run."""
    if adapter != "postgres":
        return
    import psycopg2

    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"vacuum analyze {SCHEMA}.scd2_ours, {SCHEMA}.scd2_dbt")
        cursor.execute("checkpoint")
    connection.close()


def _execution_time(target_dir: Path) -> float:
    results = json.loads((target_dir / "run_results.json").read_text())["results"]
    assert len(results) == 1 and results[0]["status"] in {"success", "pass"}, results
    return float(results[0]["execution_time"])


def _count(adapter: str, env: dict[str, str], sql: str) -> int:
    if adapter == "duckdb":
        import duckdb

        connection: Any = duckdb.connect(env["PK_DUCKDB_PATH"], read_only=True)
        value = connection.execute(sql).fetchone()[0]
        connection.close()
        return int(value)
    import psycopg2

    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("from ", f"from {SCHEMA}."))
        value = cursor.fetchone()[0]
    connection.close()
    return int(value)


def run(options: BenchOptions) -> list[BenchResult]:
    rows = int(1_000_000 * options.scale)
    work = WORK_DIR / "scd2"
    project = work / "project"
    if project.exists():
        shutil.rmtree(project)
    shutil.copytree(PROJECT_SRC, project)
    (project / "packages.yml").write_text(f"packages:\n  - local: {PROJECT_SRC.parents[2]}\n")
    results: list[BenchResult] = []
    for adapter in options.adapters:
        target_dir = work / f"target_{adapter}"
        env = {
            "PK_TARGET": adapter,
            "PK_DUCKDB_PATH": str(work / "bench.duckdb"),
            "PK_SCHEMA": SCHEMA,
            "DBT_TARGET_PATH": str(target_dir),
            "DBT_LOG_PATH": str(work / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        os.environ.update({"PK_DUCKDB_PATH": env["PK_DUCKDB_PATH"]})
        _execute(adapter, _sql_setup(adapter, rows, changed_every=100), env)
        run_dbt(["deps"], project, env)
        base = ["--vars", json.dumps({"src": "bench_base"})]
        batch = ["--vars", json.dumps({"src": "bench_batch"})]
        ours_run = ["run", "--select", "scd2_ours", *batch]
        theirs_run = ["snapshot", "--select", "scd2_dbt", *batch]
        # --repeat N: N rounds, each from freshly loaded dimensions (the batch run changes them),
        # the side that runs first alternating; the median of the rounds is reported
        times: dict[str, tuple[list[float], list[float]]] = {"batch_1pct": ([], []), "no_change": ([], [])}
        for round_index in range(max(options.repeat, 1)):
            if round_index:
                prefix = "" if adapter == "duckdb" else f"{SCHEMA}."
                drops = [f"drop table if exists {prefix}scd2_{side}" for side in ("ours", "dbt")]
                _execute(adapter, drops, env)
            run_dbt(["run", "--select", "scd2_ours", "--full-refresh", *base], project, env)
            run_dbt(["snapshot", "--select", "scd2_dbt", *base], project, env)
            _settle(adapter, env)
            for ours, theirs in times.values():
                sides = [(ours_run, ours), (theirs_run, theirs)]
                if round_index % 2:
                    sides.reverse()
                for command, into in sides:
                    run_dbt(command, project, env)
                    into.append(_execution_time(target_dir))
        ours_rows = _count(adapter, env, "select count(*) from scd2_ours")
        dbt_rows = _count(adapter, env, "select count(*) from scd2_dbt")
        assert ours_rows == dbt_rows == rows + rows // 100, (ours_rows, dbt_rows)
        for label, (ours, theirs) in times.items():
            results.append(
                BenchResult(
                    label=f"{adapter}:{label}",
                    ours_s=statistics.median(ours),
                    baseline_s=statistics.median(theirs),
                    baseline_name="dbt snapshot (timestamp)",
                    extra={"rows": str(rows), "changed": str(rows // 100), "versions": str(ours_rows)},
                )
            )
    return results
