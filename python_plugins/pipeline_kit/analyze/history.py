"""Every analysis appended to a local DuckDB file: trends, flaky nodes and regressions over runs."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from pipeline_kit.analyze.engine import Analysis
from pipeline_kit.errors import InputFileError

DEFAULT_HISTORY_PATH = Path(".pipeline_kit") / "analyze_history.duckdb"
HISTORY_ENV_VAR = "PIPELINE_KIT_HISTORY"
PASSED = ("success", "pass")
# "partial success": a microbatch model some of whose batches failed (dbt exits 1 for it)
FAILED = ("error", "fail", "runtime error", "partial success")

_SCHEMA = """
create table if not exists runs (
    invocation_id varchar primary key, project varchar, generated_at timestamptz,
    analyzed_at timestamptz, dbt_version varchar, threads integer, wall_s double,
    critical_path_s double, utilization double, cost_per_run double, cost_basis varchar,
    node_count integer, failed_count integer
);
create table if not exists node_runs (
    invocation_id varchar, unique_id varchar, resource_type varchar, materialized varchar,
    status varchar, execution_s double, cost double
);
-- Added later, as a table of its own so that files written before it stay readable and writable
-- by every version (`runs` keeps its columns): the dbt command (`args.which`) of each run, so a
-- run is only compared with earlier runs of the same command. Runs recorded before it have no
-- row here and are never a regression baseline (their command is unknown).
create table if not exists run_commands (invocation_id varchar primary key, command varchar);
"""
# The columns each table must have, in order: `insert into runs values (...)` relies on it.
_COLUMNS = {
    "runs": (
        "invocation_id", "project", "generated_at", "analyzed_at", "dbt_version", "threads", "wall_s",
        "critical_path_s", "utilization", "cost_per_run", "cost_basis", "node_count", "failed_count",
    ),
    "node_runs": (
        "invocation_id", "unique_id", "resource_type", "materialized", "status", "execution_s", "cost",
    ),
    "run_commands": ("invocation_id", "command"),
}  # fmt: skip
# A retry runs only what failed or was skipped before: its wall time has no baseline to be
# compared with (its nodes are compared with earlier retries' nodes).
NO_WALL_BASELINE = frozenset({"retry"})


@dataclass(frozen=True)
class NodeTrend:
    unique_id: str
    runs: int
    p50_s: float
    p95_s: float
    passed: int
    failed: int
    rebuilt: int

    @property
    def flaky(self) -> bool:
        return self.passed > 0 and self.failed > 0


@dataclass(frozen=True)
class Regression:
    unique_id: str  # "(wall time)" for the run as a whole
    baseline_s: float
    current_s: float

    @property
    def change_pct(self) -> float:
        return (self.current_s / self.baseline_s - 1) * 100 if self.baseline_s > 0 else float("inf")


def default_history_path() -> Path:
    return Path(os.environ.get(HISTORY_ENV_VAR) or DEFAULT_HISTORY_PATH)


class HistoryStore:
    """One DuckDB file; safe to re-record the same run (kept once, by invocation_id)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = duckdb.connect(str(path))
        except (OSError, duckdb.Error) as error:
            raise InputFileError(path, f"cannot open the history database ({_one_line(error)})") from None
        try:
            with self._database_errors("open"):
                self._db.execute(_SCHEMA)
                self._check_columns()
        except BaseException:
            self._db.close()
            raise

    def _check_columns(self) -> None:
        for table, expected in _COLUMNS.items():
            found = tuple(
                column[0] for column in self._db.execute(f"select * from {table} limit 0").description
            )
            if found != expected:
                raise InputFileError(
                    self.path,
                    "not a pipeline-kit history file (or one from an incompatible version): "
                    f"table {table} has columns ({', '.join(found)}), expected ({', '.join(expected)}); "
                    "move it away or pass another --history",
                )

    @contextmanager
    def _database_errors(self, action: str) -> Iterator[None]:
        # Any DuckDB failure (a table changed under us, a corrupt file) is a problem with this file,
        # not a failed gate: one line naming it, exit 2.
        try:
            yield
        except duckdb.Error as error:
            raise InputFileError(
                self.path, f"cannot {action} the history database ({_one_line(error)})"
            ) from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def record(self, analysis: Analysis, project: str) -> bool:
        """Append this run; False when it was already recorded."""
        with self._database_errors("record the run in"):
            return self._record(analysis, project)

    def _record(self, analysis: Analysis, project: str) -> bool:
        results = analysis.run.run_results
        invocation_id = results.invocation_id or f"unknown-{datetime.now(timezone.utc).isoformat()}"
        if self._db.execute("select 1 from runs where invocation_id = ?", [invocation_id]).fetchone():
            # A run recorded before run_commands existed gets its command when analyzed again.
            self._db.execute(
                "insert or ignore into run_commands values (?, ?)", [invocation_id, results.command]
            )
            return False
        # one transaction: a failed node load must not leave a run row without its nodes (the next
        # analysis of the same invocation would then skip it as already recorded)
        self._db.begin()
        try:
            self._insert(analysis, project, invocation_id)
        except BaseException:
            self._db.rollback()
            raise
        self._db.commit()
        return True

    def _insert(self, analysis: Analysis, project: str, invocation_id: str) -> None:
        results = analysis.run.run_results
        failed = len(analysis.nodes_with_status(*FAILED))
        costs = analysis.cost.nodes
        self._db.execute(
            "insert into runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                invocation_id,
                project,
                results.generated_at,
                datetime.now(timezone.utc),
                results.dbt_version,
                analysis.timeline.thread_count,
                analysis.timeline.wall_s,
                analysis.critical_path.length_s,
                analysis.timeline.utilization,
                analysis.cost.per_run,
                analysis.cost.basis,
                len(analysis.timeline.nodes),
                failed,
            ],
        )
        # "" when run_results.json names no command: such runs are compared only with each other.
        self._db.execute("insert into run_commands values (?, ?)", [invocation_id, results.command])
        if not analysis.timeline.nodes:
            return  # read_csv cannot sniff an empty file
        # Bulk-load through a CSV: row-by-row inserts of 10,000 nodes would take seconds.
        with tempfile.TemporaryDirectory() as scratch:
            rows_path = Path(scratch) / "node_runs.csv"
            with rows_path.open("w", newline="") as handle:
                writer = csv.writer(handle)
                for node in analysis.timeline.nodes:
                    cost = costs.get(node.unique_id)
                    writer.writerow(
                        [
                            invocation_id,
                            node.unique_id,
                            node.resource_type,
                            node.materialized,
                            node.status,
                            node.execution_s,
                            cost.amount if cost else None,
                        ]
                    )
            self._db.execute(
                "insert into node_runs select * from read_csv(?, header = false, columns = {"
                "'invocation_id': 'varchar', 'unique_id': 'varchar', 'resource_type': 'varchar', "
                "'materialized': 'varchar', 'status': 'varchar', 'execution_s': 'double', 'cost': 'double'})",
                [str(rows_path)],
            )

    def _recent_runs_sql(self, baseline: bool = False) -> str:
        # `baseline`: only runs of the dbt command given as $command (a `dbt seed` or `dbt test` is
        # no baseline for a `dbt build`) generated before $before, the analyzed run (re-analyzing
        # an old run must not compare it with the runs after it); trends and flaky counts use
        # every command, up to and including the analyzed run ($until, for the same reason).
        command_filter = (
            "and invocation_id in (select invocation_id from run_commands where command = $command) "
            "and ($before is null or generated_at < cast($before as timestamptz)) "
            if baseline
            else "and ($until is null or generated_at <= cast($until as timestamptz)) "
        )
        return (
            "select invocation_id, wall_s from runs where project = $project "
            f"and invocation_id <> $exclude {command_filter}"
            "order by generated_at desc nulls last, analyzed_at desc limit $window"
        )

    def run_count(self, project: str, command: str | None = None) -> int:
        """Runs of `project` recorded, only those of the dbt `command` when one is given."""
        with self._database_errors("read"):
            return self._run_count(project, command)

    def _run_count(self, project: str, command: str | None) -> int:
        if command is None:
            row = self._db.execute("select count(*) from runs where project = ?", [project]).fetchone()
        else:
            row = self._db.execute(
                "select count(*) from runs join run_commands using (invocation_id) "
                "where project = ? and command = ?",
                [project, command],
            ).fetchone()
        return int(row[0]) if row else 0

    def trends(self, project: str, window: int, until: datetime | None = None) -> dict[str, NodeTrend]:
        """Per node over the project's last `window` runs: p50/p95 time, pass/fail counts, rebuilds.
        `until`: the analyzed run's generated_at; runs generated after it are left out (a
        re-analysed older run is described by its own past, not by the runs that followed)."""
        with self._database_errors("read"):
            return self._trends(project, window, until)

    def _trends(self, project: str, window: int, until: datetime | None) -> dict[str, NodeTrend]:
        rows = self._db.execute(
            f"""
            with recent as ({self._recent_runs_sql()})
            select n.unique_id, count(*),
                   -- both quantiles from one sort of each node's times
                   quantile_cont(n.execution_s, [0.5, 0.95]) as p50_p95,
                   count(*) filter (where n.status in {PASSED}), count(*) filter (where n.status in {FAILED}),
                   count(*) filter (where n.status in {PASSED} and n.resource_type <> 'test')
            from node_runs n join recent using (invocation_id)
            group by n.unique_id
            """,
            {"project": project, "exclude": "", "window": window, "until": until},
        ).fetchall()
        return {
            unique_id: NodeTrend(unique_id, runs, p50_p95[0], p50_p95[1], passed, failed, rebuilt)
            for unique_id, runs, p50_p95, passed, failed, rebuilt in rows
        }

    def baseline_count(self, analysis: Analysis, project: str, window: int) -> int:
        """How many runs `regressions` compares `analysis` with."""
        with self._database_errors("read"):
            row = self._db.execute(
                f"with recent as ({self._recent_runs_sql(baseline=True)}) select count(*) from recent",
                self._baseline_params(analysis, project, window),
            ).fetchone()
        return int(row[0]) if row else 0

    def _baseline_params(self, analysis: Analysis, project: str, window: int) -> dict[str, object]:
        results = analysis.run.run_results
        return {
            "project": project,
            "exclude": results.invocation_id,
            "window": window,
            "command": results.command,
            "before": results.generated_at,
        }

    def regressions(
        self, analysis: Analysis, project: str, window: int, min_pct: float, min_seconds: float
    ) -> list[Regression]:
        """Nodes (and the run's wall time) slower than the median of the `window` runs of the same
        dbt command before it by more than `min_pct` percent and `min_seconds` seconds."""
        with self._database_errors("read"):
            return self._regressions(analysis, project, window, min_pct, min_seconds)

    def _regressions(
        self, analysis: Analysis, project: str, window: int, min_pct: float, min_seconds: float
    ) -> list[Regression]:
        params = self._baseline_params(analysis, project, window)
        rows = self._db.execute(
            f"""
            with recent as ({self._recent_runs_sql(baseline=True)})
            select n.unique_id, quantile_cont(n.execution_s, 0.5)
            from node_runs n join recent using (invocation_id)
            where n.status in {PASSED}
            group by n.unique_id
            """,
            params,
        ).fetchall()
        baseline_wall = self._db.execute(
            f"with recent as ({self._recent_runs_sql(baseline=True)}) "
            "select quantile_cont(wall_s, 0.5) from recent",
            params,
        ).fetchone()
        found = []
        current = {node.unique_id: node.execution_s for node in analysis.timeline.nodes}
        candidates = [(uid, p50, current[uid]) for uid, p50 in rows if uid in current]
        has_wall_baseline = analysis.run.run_results.command not in NO_WALL_BASELINE
        if has_wall_baseline and baseline_wall and baseline_wall[0] is not None:
            candidates.append(("(wall time)", float(baseline_wall[0]), analysis.timeline.wall_s))
        for unique_id, baseline, now in candidates:
            if now - baseline >= min_seconds and now > baseline * (1 + min_pct / 100):
                found.append(Regression(unique_id, baseline, now))
        return sorted(found, key=lambda r: -(r.current_s - r.baseline_s))


def _one_line(error: BaseException) -> str:
    # DuckDB's messages can span lines (a LINE 1: ... pointer under a parser error)
    return " ".join(str(error).split())
