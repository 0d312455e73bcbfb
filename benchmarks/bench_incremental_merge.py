"""incremental_merge: pipeline_kit_merge vs dbt's built-in incremental strategies.

A 1M-row target and a batch of 10k updates + 10k inserts (times --scale), then the same batch
again (a no-change batch). Each variant has its own copy of the target, built by the same SQL,
and is run with `dbt run --select <model>`; the time measured is the model's execution_time from
run_results.json (dbt's start-up, identical for all, is left out; the project is parsed once
before the first timed run, so no variant's run includes the full parse). Baselines: `merge`
(PostgreSQL 15; DuckDB >= 1.4 through dbt-duckdb) and `delete+insert`; the ratio is against the
best one. With --repeat N, each variant's time is the median of N rounds, each round on a freshly
built target (otherwise one noisy low run of a built-in sets the baseline).

On PostgreSQL the cases run twice: on plain heap tables, then with a unique index on the key on
every variant's target (what `indexes=[{'columns': ['id'], 'unique': true}]` builds; RESULT names
end in `key indexed`). Without an index every variant scans the whole target to find the batch's
keys; with one, PostgreSQL probes the index instead.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
from pathlib import Path
from typing import Any

from common import REPO_ROOT, WORK_DIR, BenchOptions, BenchResult, run_dbt

NAME = "incremental_merge"
BUILTINS = {"merge": "bm_builtin_merge", "delete+insert": "bm_builtin_delete_insert"}
PG_SCHEMA = "pk_bench_merge"

MODEL_OURS = """{{ config(materialized='pipeline_kit_merge', unique_key='id', merge_order_by='updated_at') }}
select id, updated_at, qty, label, price from {{ var('batch_table') }}
"""
MODEL_BUILTIN = """{{ config(materialized='incremental', incremental_strategy='%s', unique_key='id') }}
select id, updated_at, qty, label, price from {{ var('batch_table') }}
"""


def _project(adapter: str, root: Path) -> Path:
    project = root / adapter
    if project.exists():
        shutil.rmtree(project)
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text(
        "name: bench_incremental_merge\nversion: '0.1.0'\nconfig-version: 2\nprofile: bench\n"
        "model-paths: ['models']\nflags:\n  send_anonymous_usage_stats: false\n"
    )
    (project / "packages.yml").write_text(f"packages:\n  - local: {REPO_ROOT}\n")
    if adapter == "duckdb":
        output = f"type: duckdb\n      path: {project / 'bench.duckdb'}\n      schema: main\n      threads: 1"
    else:
        output = (
            "type: postgres\n      host: 127.0.0.1\n      port: 5432\n      user: postgres\n"
            f"      password: ''\n      dbname: postgres\n      schema: {PG_SCHEMA}\n      threads: 1"
        )
    (project / "profiles.yml").write_text(
        f"bench:\n  target: {adapter}\n  outputs:\n    {adapter}:\n      {output}\n"
    )
    (project / "models" / "bm_ours.sql").write_text(MODEL_OURS)
    for strategy, model in BUILTINS.items():
        (project / "models" / f"{model}.sql").write_text(MODEL_BUILTIN % strategy)
    return project


def _setup_sql(adapter: str, rows: int, changes: int, indexed: bool = False) -> list[str]:
    series = f"range(1, {rows} + 1) as g(i)" if adapter == "duckdb" else f"generate_series(1, {rows}) as g(i)"
    upd = (
        f"range(1, {changes} + 1) as g(i)"
        if adapter == "duckdb"
        else f"generate_series(1, {changes}) as g(i)"
    )
    base = (
        "select cast(i as bigint) as id, timestamp '2024-01-01' + i * interval '1 second' as updated_at, "
        "cast(i % 97 as integer) as qty, 'label-' || cast(i % 1000 as varchar) as label, "
        f"cast(i % 1000 as double precision) / 10 as price from {series}"
    )
    stride = max(rows // changes, 1)
    batch = (
        f"select cast(i * {stride} as bigint) as id, "
        "timestamp '2025-01-01' + i * interval '1 second' as updated_at, "
        "cast(i % 89 as integer) as qty, 'changed-' || cast(i as varchar) as label, "
        f"cast(i as double precision) as price from {upd} "
        f"union all select cast({rows} + i as bigint), timestamp '2025-02-01' + i * interval '1 second', "
        "cast(i % 7 as integer), 'new-' || cast(i as varchar), cast(i as double precision) / 3 "
        f"from {upd}"
    )
    statements = ["drop table if exists bm_base", f"create table bm_base as {base}"]
    statements += ["drop table if exists bm_batch", f"create table bm_batch as {batch}"]
    for model in ["bm_ours", *BUILTINS.values()]:
        statements += [f"drop table if exists {model}", f"create table {model} as select * from bm_base"]
        if indexed:
            statements.append(f"create unique index {model}_key on {model} (id)")
    statements.append("drop table if exists bm_base")
    return statements


def _execute(adapter: str, project: Path, statements: list[str]) -> None:
    if adapter == "duckdb":
        import duckdb

        connection = duckdb.connect(str(project / "bench.duckdb"))
        for statement in statements:
            connection.execute(statement)
        connection.close()
        return
    import psycopg2

    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"drop schema if exists {PG_SCHEMA} cascade")
        cursor.execute(f"create schema {PG_SCHEMA}")
        cursor.execute(f"set search_path to {PG_SCHEMA}")
        for statement in statements:
            cursor.execute(statement.replace("as varchar", "as text"))
        # vacuum, not just analyze: the first scan of a new table sets every row's hint bits and
        # autovacuum visits new tables soon after; done here, neither lands on the first timed run
        cursor.execute(f"vacuum analyze bm_batch, {', '.join(['bm_ours', *BUILTINS.values()])}")
        # a checkpoint, so every variant's first write to a page logs its full-page image (a
        # checkpoint that fell between two variants' runs would spare the later ones ~60 MB of WAL)
        cursor.execute("checkpoint")
    connection.close()


def _dbt(project: Path, adapter: str, *args: str) -> None:
    batch_table = "bm_batch" if adapter == "duckdb" else f"{PG_SCHEMA}.bm_batch"
    env = {"DBT_TARGET_PATH": str(project / "target"), "DBT_LOG_PATH": str(project / "logs")}
    run_dbt([*args, "--vars", json.dumps({"batch_table": batch_table})], project, env)


def _run_model(project: Path, model: str, adapter: str) -> float:
    _dbt(project, adapter, "run", "--select", model)
    results: list[dict[str, Any]] = json.loads((project / "target" / "run_results.json").read_text())[
        "results"
    ]
    return float(results[0]["execution_time"])


def _count(adapter: str, project: Path, model: str) -> int:
    sql = f"select count(*) from {model}"
    if adapter == "duckdb":
        import duckdb

        connection = duckdb.connect(str(project / "bench.duckdb"), read_only=True)
        value = connection.execute(sql).fetchone()
        connection.close()
        return int(value[0]) if value else -1
    import psycopg2

    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    with connection.cursor() as cursor:
        cursor.execute(f"select count(*) from {PG_SCHEMA}.{model}")
        row = cursor.fetchone()
    connection.close()
    return int(row[0]) if row else -1


def run(options: BenchOptions) -> list[BenchResult]:
    rows = int(1_000_000 * options.scale)
    changes = max(int(10_000 * options.scale), 1)
    root = WORK_DIR / NAME
    results: list[BenchResult] = []
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    for adapter in options.adapters:
        if adapter not in {"duckdb", "postgres"}:
            print(f"{NAME}: skipping {adapter} (benchmarked on duckdb and postgres only)")
            continue
        project = _project(adapter, root)
        run_dbt(["deps"], project)
        # Parse once before timing: the first `dbt run` after `dbt deps` parses the whole project,
        # which slows that run's model down too (measured: +0.2 s), and it would always be ours.
        _dbt(project, adapter, "parse")
        for indexed in (False, True) if adapter == "postgres" else (False,):
            results += _bench_case(adapter, project, rows, changes, repeat=options.repeat, indexed=indexed)
    return results


def _bench_case(
    adapter: str, project: Path, rows: int, changes: int, *, repeat: int, indexed: bool
) -> list[BenchResult]:
    """Both cases (changes, then the same batch again) for every variant, on plain or indexed targets."""
    results: list[BenchResult] = []
    _execute(adapter, project, _setup_sql(adapter, rows, changes, indexed))
    # --repeat N: N rounds, each from a freshly built target (a round's first run changes
    # it); every variant runs once a round, in turn, and the median of its rounds is reported.
    runs: dict[str, dict[str, list[float]]] = {"changes": {}, "no_change": {}}
    failed: set[str] = set()
    for round_index in range(max(repeat, 1)):
        if round_index:
            _execute(adapter, project, _setup_sql(adapter, rows, changes, indexed))
        # the order rotates a round, so no variant always runs first after the rebuild
        models = ["bm_ours", *BUILTINS.values()]
        shift = round_index % len(models)
        for model in models[shift:] + models[:shift]:
            if model in failed:
                continue
            try:
                changes_s = _run_model(project, model, adapter)
                no_change_s = _run_model(project, model, adapter)
            except RuntimeError as error:
                print(f"{NAME}: {adapter} {model} failed, left out: {str(error)[:300]}")
                failed.add(model)
                continue
            runs["changes"].setdefault(model, []).append(changes_s)
            runs["no_change"].setdefault(model, []).append(no_change_s)
    timings = {
        case: {model: statistics.median(values) for model, values in by_model.items() if model not in failed}
        for case, by_model in runs.items()
    }
    counts = {model: _count(adapter, project, model) for model in timings["changes"]}
    if len(set(counts.values())) != 1:
        raise RuntimeError(f"{adapter}: variants disagree on row counts {counts}")
    for case, label in (("changes", "10k upd + 10k ins"), ("no_change", "no-change batch")):
        builtin = {s: timings[case][m] for s, m in BUILTINS.items() if m in timings[case]}
        best = min(builtin, key=lambda name: builtin[name])
        extra = {f"{name.replace('+', '_')}_s": f"{value:.4f}" for name, value in builtin.items()}
        extra["rows"] = str(counts["bm_ours"])
        suffix = ", key indexed" if indexed else ""
        results.append(
            BenchResult(f"{adapter} {label}{suffix}", timings[case]["bm_ours"], builtin[best], best, extra)
        )
    return results
