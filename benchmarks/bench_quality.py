"""Quality benchmark: ten rules over the five dimensions on 10M rows (scale 1.0).

Three ways to run the same checks, timed on the warehouse (dbt compiles the SQL once; the
timings are of the compiled queries, as dbt would run them, without dbt's start-up):
- ours: the single-scan `pipeline_kit.quality` test (one query);
- separate: the same checks as separate tests, dbt built-ins where they exist (not_null x2,
  relationships, accepted_values, unique) and pipeline_kit generic tests otherwise, run one
  after another as dbt runs tests on one thread;
- one scan: `select count(*)` over the table.
RESULT lines: `[<adapter> vs separate]` (goal ratio <= 0.2, i.e. >= 5x faster) and
`[<adapter> vs one scan]` (goal ratio <= 1.5).

Two rule sets, each ten rules over the five dimensions, so the figures show where one scan pays:
- mixed (`RULES`): the rules a real mart declares, including a regex, a distinct-key count and a
  p95 lag. These are compute-bound: the regex and the distinct count cost the same per row
  whether they run in one query or in ten, so one scan saves only the re-reading.
- scan-bound (`SCAN_BOUND_RULES`, RESULT names with `scan-bound`): null, range, cross-column,
  freshness, accepted-values and length rules, cheap per row, so each separate test's cost is
  mostly reading the table. They run on the view `bench_orders_scan` (`select *` over the same
  table, inlined by both engines) so that their separate tests can be told apart.

What is timed, and why it is a fair comparison:
- each side is the wall time of its compiled SQL on one connection (median of `--repeat`), wrapped
  as dbt wraps a test (`select <fail_calc> from (<test sql>)`); dbt's start-up, parsing and
  compilation are excluded on both sides;
- the same data, the same connection and session settings (DuckDB's default thread count,
  PostgreSQL's parallel-query settings) for all three; the table is read once before timing, so
  both sides find it in cache;
- separate tests run one after another, as dbt runs them with `threads: 1` (the profile here);
  with more dbt threads they could overlap on a machine with idle cores;
- the ten separate checks are the same rules as the ten `quality` rules; the `quality` null rule
  on the text column also counts blank strings (`treat_empty_as_null`, on by default) where dbt's
  `not_null` counts only NULLs, so ours does slightly more work;
- on DuckDB `count(*)` of a table is answered from metadata (milliseconds, no scan), so the
  "one scan" ratio cannot approach 1.5 there; it is meaningful on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from common import WORK_DIR, BenchOptions, BenchResult, run_dbt, timed

ROWS = 10_000_000
CUSTOMERS = 1_000
SCHEMA = "pk_bench_quality"

RULES = {
    "completeness": [
        {"column": "customer_id", "null_threshold": 0.01},
        {"column": "email", "null_threshold": 0.01},
    ],
    "accuracy": [
        {"column": "quantity", "min_value": 1, "max_value": 100},
        {"business_rule": "quantity * unit_price = line_total", "tolerance": 0.01},
    ],
    "consistency": [{"column": "customer_id", "to": "bench_customers", "field": "customer_id"}],
    "timeliness": [
        {"column": "loaded_at", "max_age_hours": 48, "reference_time": "2024-03-20 00:00:00"},
        {"column": "loaded_at", "event_column": "event_at", "max_lag_hours": 24},
    ],
    "validity": [
        {"column": "status", "allowed_values": ["pending", "completed", "cancelled"]},
        {"column": "email", "regex": "^[^@]+@[^@]+\\.[a-z]{2,}$"},
        {"column": "order_id", "unique": True},
    ],
}

REFERENCE_TIME = "2024-03-20 00:00:00"
SCAN_BOUND_RULES = {
    "completeness": [
        {"column": "customer_id", "null_threshold": 0.01},
        {"column": "quantity", "null_threshold": 0.0},
    ],
    "accuracy": [
        {"column": "quantity", "min_value": 1, "max_value": 100},
        {"column": "unit_price", "min_value": 0, "max_value": 1000},
    ],
    "consistency": [{"business_rule": "line_total >= unit_price"}],
    "timeliness": [
        {"column": "loaded_at", "max_age_hours": 48, "reference_time": REFERENCE_TIME},
        {"column": "event_at", "max_age_hours": 48, "reference_time": REFERENCE_TIME},
    ],
    "validity": [
        {"column": "status", "allowed_values": ["pending", "completed", "cancelled"]},
        {"column": "status", "min_length": 1, "max_length": 20},
        {"column": "quantity", "allowed_values": [1, 2, 3, 4, 5], "quote": False},
    ],
}


def _freshness(max_age_hours: int) -> dict[str, Any]:
    return {
        "pipeline_kit.timeliness_freshness": {
            "arguments": {"max_age_hours": max_age_hours, "reference_time": REFERENCE_TIME}
        }
    }


# The scan-bound rules as separate tests (dbt built-ins where they exist), column by column.
SCAN_BOUND_SEPARATE_COLUMNS: dict[str, list[Any]] = {
    "customer_id": ["not_null"],
    "quantity": [
        "not_null",
        {"pipeline_kit.accuracy_range": {"arguments": {"min_value": 1, "max_value": 100}}},
        {"accepted_values": {"arguments": {"values": [1, 2, 3, 4, 5], "quote": False}}},
    ],
    "unit_price": [{"pipeline_kit.accuracy_range": {"arguments": {"min_value": 0, "max_value": 1000}}}],
    "loaded_at": [_freshness(48)],
    "event_at": [_freshness(48)],
    "status": [
        {"accepted_values": {"arguments": {"values": ["pending", "completed", "cancelled"]}}},
        {"pipeline_kit.validity_length": {"arguments": {"min_length": 1, "max_length": 20}}},
    ],
}

SEPARATE_COLUMNS = {
    "order_id": ["unique"],
    "customer_id": [
        "not_null",
        {"relationships": {"arguments": {"to": "ref('bench_customers')", "field": "customer_id"}}},
    ],
    "email": [
        "not_null",
        {"pipeline_kit.validity_regex": {"arguments": {"regex": "^[^@]+@[^@]+\\.[a-z]{2,}$"}}},
    ],
    "quantity": [{"pipeline_kit.accuracy_range": {"arguments": {"min_value": 1, "max_value": 100}}}],
    "status": [{"accepted_values": {"arguments": {"values": ["pending", "completed", "cancelled"]}}}],
    "loaded_at": [
        {
            "pipeline_kit.timeliness_freshness": {
                "arguments": {"max_age_hours": 48, "reference_time": "2024-03-20 00:00:00"}
            }
        },
        {
            "pipeline_kit.timeliness_load_lag": {
                "arguments": {"event_column": "event_at", "max_lag_hours": 24}
            }
        },
    ],
}


def _data_sql(adapter: str, rows: int) -> list[str]:
    if adapter == "duckdb":
        series = f"range(1, {rows} + 1) as t(i)"
        ts = "timestamp '2024-03-01 00:00:00' + to_seconds(cast(i % 1000000 as bigint))"
        lag = "to_seconds(cast(3600 + i % 7200 as bigint))"
        customers = f"range(1, {CUSTOMERS} + 1) as t(i)"
    else:
        series = f"generate_series(1, {rows}) as t(i)"
        ts = "timestamp '2024-03-01 00:00:00' + (i % 1000000) * interval '1 second'"
        lag = "(3600 + i % 7200) * interval '1 second'"
        customers = f"generate_series(1, {CUSTOMERS}) as t(i)"
    return [
        "drop table if exists bench_orders",
        "drop table if exists bench_customers",
        f"create table bench_customers as select cast(i as integer) as customer_id from {customers}",
        f"""create table bench_orders as
        select
          cast(i as bigint) as order_id,
          case when i % 997 = 0 then null else cast(i % {CUSTOMERS} + 1 as integer) end as customer_id,
          cast(i % 5 + 1 as integer) as quantity,
          cast((i % 100) / 4.0 + 1 as decimal(10, 2)) as unit_price,
          cast((i % 5 + 1) * cast((i % 100) / 4.0 + 1 as decimal(10, 2)) as decimal(12, 2)) as line_total,
          case i % 3 when 0 then 'pending' when 1 then 'completed' else 'cancelled' end as status,
          case when i % 1009 = 0 then null
            else 'user' || cast(i % 50000 as varchar) || '@example.com' end as email,
          {ts} as event_at,
          {ts} + {lag} as loaded_at
        from {series}""",
    ]


def _write_project(project: Path, adapter: str, duckdb_path: Path) -> None:
    if project.exists():
        shutil.rmtree(project)
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text(
        "name: bench_quality\nversion: '1.0'\nconfig-version: 2\nprofile: bench_quality\n"
        "model-paths: ['models']\nflags: {send_anonymous_usage_stats: false}\n"
    )
    repo = Path(__file__).resolve().parent.parent
    (project / "packages.yml").write_text(f"packages:\n  - local: {repo}\n")
    outputs = {
        "duckdb": {"type": "duckdb", "path": str(duckdb_path), "schema": "main", "threads": 1},
        "postgres": {
            "type": "postgres",
            "host": os.environ.get("PK_PG_HOST", "127.0.0.1"),
            "port": int(os.environ.get("PK_PG_PORT", "5432")),
            "user": os.environ.get("PK_PG_USER", "postgres"),
            "password": os.environ.get("PK_PG_PASSWORD", ""),
            "dbname": os.environ.get("PK_PG_DBNAME", "postgres"),
            "schema": SCHEMA,
            "threads": 1,
        },
    }
    profile = {"bench_quality": {"target": adapter, "outputs": {adapter: outputs[adapter]}}}
    (project / "profiles.yml").write_text(json.dumps(profile))
    # The data is created outside dbt; the models are views over it (ephemeral-free, zero cost).
    (project / "models" / "bench_customers.sql").write_text(
        "{{ config(materialized='table') }}\nselect * from {{ target.schema }}.bench_customers_raw\n"
    )
    quality = {"pipeline_kit.quality": {"arguments": {"dimensions": RULES}}}
    separate = [
        {
            "pipeline_kit.accuracy_expression": {
                "arguments": {"expression": "quantity * unit_price = line_total", "tolerance": 0.01}
            }
        }
    ]
    scan_bound_quality = {"pipeline_kit.quality": {"arguments": {"dimensions": SCAN_BOUND_RULES}}}
    scan_bound_separate = [
        {"pipeline_kit.consistency_cross_column": {"arguments": {"expression": "line_total >= unit_price"}}}
    ]
    sources = {
        "version": 2,
        "models": [
            {
                "name": "bench_orders",
                "data_tests": [quality, *separate],
                "columns": [{"name": name, "data_tests": tests} for name, tests in SEPARATE_COLUMNS.items()],
            },
            {
                "name": "bench_orders_scan",
                "data_tests": [scan_bound_quality, *scan_bound_separate],
                "columns": [
                    {"name": name, "data_tests": tests} for name, tests in SCAN_BOUND_SEPARATE_COLUMNS.items()
                ],
            },
        ],
    }
    (project / "models" / "bench_orders.sql").write_text(
        "{{ config(materialized='table') }}\nselect * from {{ target.schema }}.bench_orders_raw\n"
    )
    (project / "models" / "bench_orders_scan.sql").write_text(
        "{{ config(materialized='view') }}\nselect * from {{ ref('bench_orders') }}\n"
    )
    (project / "models" / "schema.yml").write_text(json.dumps(sources))


Execute = Callable[[str], Sequence[Any]]


def _connect(adapter: str, duckdb_path: Path) -> tuple[Execute, Callable[[], None]]:
    if adapter == "duckdb":
        import duckdb

        connection = duckdb.connect(str(duckdb_path))
        return (lambda sql: connection.execute(sql).fetchall()), connection.close
    import psycopg2

    pg = psycopg2.connect(
        host=os.environ.get("PK_PG_HOST", "127.0.0.1"),
        port=int(os.environ.get("PK_PG_PORT", "5432")),
        user=os.environ.get("PK_PG_USER", "postgres"),
        password=os.environ.get("PK_PG_PASSWORD", ""),
        dbname=os.environ.get("PK_PG_DBNAME", "postgres"),
    )
    pg.autocommit = True
    cursor = pg.cursor()
    cursor.execute(f"create schema if not exists {SCHEMA}")
    cursor.execute(f"set search_path to {SCHEMA}")

    def execute(sql: str) -> Sequence[Any]:
        cursor.execute(sql)
        return cursor.fetchall() if cursor.description else []

    return execute, pg.close


def _bench_adapter(adapter: str, options: BenchOptions) -> list[BenchResult]:
    rows = int(ROWS * options.scale)
    work = WORK_DIR / "quality" / adapter
    work.mkdir(parents=True, exist_ok=True)
    duckdb_path = work / "bench.duckdb"
    execute, close = _connect(adapter, duckdb_path)
    for statement in _data_sql(adapter, rows):
        execute(
            statement.replace("bench_orders", "bench_orders_raw").replace(
                "bench_customers", "bench_customers_raw"
            )
        )
    if adapter == "postgres":
        execute("analyze bench_orders_raw")
    close()  # DuckDB allows one writer: dbt builds the tables next
    project = work / "project"
    _write_project(project, adapter, duckdb_path)
    env = {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_TARGET_PATH": str(project / "target")}
    run_dbt(["deps"], project, env)
    run_dbt(["run"], project, env)
    run_dbt(["compile"], project, env)
    manifest = json.loads((project / "target" / "manifest.json").read_text())
    tests = [node for node in manifest["nodes"].values() if node["resource_type"] == "test"]
    execute, close = _connect(adapter, duckdb_path)
    if adapter == "postgres":
        execute("analyze bench_orders")
    results = []
    for model, label in (("bench_orders", ""), ("bench_orders_scan", " scan-bound")):
        model_tests = [node for node in tests if node["attached_node"] == f"model.bench_quality.{model}"]
        results += _bench_rule_set(adapter, label, model_tests, execute, rows=rows, repeat=options.repeat)
    close()
    return results


def _bench_rule_set(
    adapter: str, label: str, tests: list[dict[str, Any]], execute: Execute, *, rows: int, repeat: int
) -> list[BenchResult]:
    """Time one rule set: its single-scan `quality` test, its ten separate tests, one count(*)."""
    ours_sql = next(node["compiled_code"] for node in tests if node["test_metadata"]["name"] == "quality")
    separate_sql = [
        (node["config"]["fail_calc"], node["compiled_code"])
        for node in tests
        if node["test_metadata"]["name"] != "quality"
    ]
    assert len(separate_sql) == 10, (label, len(separate_sql))
    ours_query = f"select coalesce(sum(is_failing), 0) from ({ours_sql}) as dbt_internal_test"
    failing_rules = execute(ours_query)[0][0]

    def run_separate() -> None:
        for fail_calc, sql in separate_sql:
            execute(f"select {fail_calc} from ({sql}) as dbt_internal_test")

    ours = timed(lambda: execute(ours_query), repeat)
    separate = timed(run_separate, repeat)
    scan = timed(lambda: execute("select count(*) from bench_orders"), repeat)
    extra = {"rows": str(rows), "rules": "10", "failing_rules": str(failing_rules)}
    return [
        BenchResult(
            f"{adapter}{label} vs separate",
            ours,
            separate,
            "10 separate tests (built-ins where they exist)",
            extra,
        ),
        BenchResult(f"{adapter}{label} vs one scan", ours, scan, "select count(*) (one scan)", extra),
    ]


def run(options: BenchOptions) -> list[BenchResult]:
    results = []
    for adapter in options.adapters:
        results.extend(_bench_adapter(adapter, options))
    return results
