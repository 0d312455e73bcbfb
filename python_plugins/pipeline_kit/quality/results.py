"""Read a dbt run's quality results: from the artifacts alone, or with the warehouse.

Three sources, best first:
1. the pipeline_kit results table (filled by the `store_quality_results` on-run-end hook) for
   the run's invocation id;
2. the warehouse itself: each pipeline_kit test's compiled SQL is re-run (it returns one row per
   rule with failing / evaluated rows) and dbt built-ins get the tested model's row count (and a
   failed accepted_values / unique, which dbt counts in values, its failing rows from its SQL);
3. the artifacts alone: each test counts as one evaluated check (a test pass rate).

A test on a source scores under `source_name.table_name`. A scored kind of test whose status is
`error` or `skipped` (a model it reads failed) has no result in any source: it is recorded as a
failing rule of 0 evaluated rows (`errored`, with the status as its source), so the scorecard
names it and a `--threshold` gate fails on it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline_kit.artifacts.loading import as_dict, as_str, read_json, refuse_duplicate_results
from pipeline_kit.artifacts.run_results import run_limited_by
from pipeline_kit.errors import InputFileError, PipelineKitError

# dbapi_query and duckdb_query moved to .connections: still importable from here (tests do)
from pipeline_kit.quality.connections import (  # noqa: F401
    Query,
    check_table_name,
    dbapi_query,
    duckdb_query,
)

BUILTIN_DIMENSIONS = {
    "not_null": "completeness",
    "unique": "validity",
    "accepted_values": "validity",
    "relationships": "consistency",
}
# The built-ins whose SQL returns one row per failing VALUE with its row count `n_records` (dbt's
# failure count is of values): their failing rows as an aggregate of those rows. accepted_values:
# every row holding a bad value; unique: the rows beyond the first per duplicated value, as
# pipeline_kit.validity_unique counts them. not_null and relationships return one row per failing
# row. The results hook uses the same aggregates (`_quality_grouped_failing_rows`).
GROUPED_FAILING_ROWS = {"accepted_values": "sum(n_records)", "unique": "sum(n_records - 1)"}
RECORDED_STATUSES = {"pass", "fail", "warn"}
ERROR_STATUS = "error"
# Statuses of a test that checked nothing: it errored, or dbt skipped it because what it reads failed.
NOT_RUN_STATUSES = {ERROR_STATUS, "skipped"}
RESULT_COLUMNS = "model_name, dimension, rule_name, failing_rows, evaluated_rows, is_failing, source"


@dataclass(frozen=True)
class RuleResult:
    model: str
    dimension: str
    rule: str
    failing_rows: int
    evaluated_rows: int
    is_failing: bool
    source: str = "pipeline_kit"
    errored: bool = False  # the test errored or was skipped: no rows evaluated; counts as failing
    note: str = ""  # why a number is not what the README says it is (shown with the scorecard)


def _read_json(path: Path) -> dict[str, Any]:
    data = read_json(path, not_found="not found (run dbt build/test first, or pass --target-dir)")
    if not isinstance(data, dict):
        raise InputFileError(path, "not a dbt artifact (expected a JSON object)")
    return data


@dataclass(frozen=True)
class TestRun:
    """One recorded test of the run with what the manifest says about it."""

    unique_id: str
    status: str
    failures: int
    name: str
    namespace: str | None
    kwargs: dict[str, Any]
    model: str
    relation: str | None
    compiled_code: str | None
    where: str | None = None
    # CTEs to put before `select count(*) from relation` (an ephemeral model's, from the test)
    ctes: tuple[str, ...] = ()
    # a `limit` or a custom `fail_calc` changed dbt's failure count: not a count of failing rows
    failures_altered: bool = False


def load_test_runs(target_dir: Path) -> tuple[str, list[TestRun]]:
    """The invocation id and the pass/fail/warn/error tests of `run_results.json` (with the manifest)."""
    run_results_path, manifest_path = target_dir / "run_results.json", target_dir / "manifest.json"
    run_results, manifest = _read_json(run_results_path), _read_json(manifest_path)
    # shapes checked up front: a hand-edited or foreign file gets an error naming it, not a traceback
    invocation_id = as_dict(run_results.get("metadata")).get("invocation_id")
    if not isinstance(invocation_id, str) or not invocation_id:
        raise InputFileError(run_results_path, "has no metadata.invocation_id (not a dbt run_results.json?)")
    results, nodes = run_results.get("results"), manifest.get("nodes")
    if not isinstance(results, list):
        raise InputFileError(run_results_path, f"'results' is not a list (got {_json_type(results)})")
    refuse_duplicate_results(run_results_path, results)
    if not isinstance(nodes, dict):
        raise InputFileError(manifest_path, f"'nodes' is not an object (got {_json_type(nodes)})")
    sources = as_dict(manifest.get("sources"))
    args = run_results.get("args")
    partial = run_limited_by(args if isinstance(args, dict) else {})
    if partial:
        # its tests read empty models (or a time window of them): a score would describe no data
        raise InputFileError(
            run_results_path,
            f"is of a run under {partial}, whose tests read no rows or a sample; score a run without it",
        )
    runs: list[TestRun] = []
    tests, missing = 0, list[str]()  # the run's test results; those not in the manifest
    for index, result in enumerate(results):
        if not isinstance(result, dict):
            raise InputFileError(
                run_results_path, f"results[{index}] is not an object (got {_json_type(result)})"
            )
        unique_id = as_str(result.get("unique_id"))
        if unique_id.startswith("test."):
            tests += 1
            if unique_id not in nodes:
                missing.append(unique_id)
        node = as_dict(nodes.get(unique_id))
        metadata = as_dict(node.get("test_metadata"))
        status = result.get("status")
        if node.get("resource_type") != "test" or not metadata or status is None:
            continue
        if not isinstance(status, str):  # a list or object would not even be comparable with a set
            raise InputFileError(run_results_path, f"{unique_id}: 'status' is not a string (got {status!r})")
        if status not in RECORDED_STATUSES and status not in NOT_RUN_STATUSES:
            continue
        failures = result.get("failures")
        if failures is not None and (isinstance(failures, bool) or not isinstance(failures, int)):
            raise InputFileError(
                run_results_path, f"{unique_id}: 'failures' is not a whole number (got {failures!r})"
            )
        kwargs = as_dict(metadata.get("kwargs"))
        tested = _tested_node(node, kwargs, nodes, sources)
        namespace = metadata.get("namespace")
        config = as_dict(node.get("config"))
        where = config.get("where")
        fail_calc = str(config.get("fail_calc") or "count(*)").replace(" ", "").lower()
        relation, ctes = _ephemeral_cte(node, tested) or (as_str(tested.get("relation_name")) or None, ())
        runs.append(
            TestRun(
                unique_id=unique_id,
                status=status,
                failures=failures or 0,
                name=as_str(metadata.get("name")),
                namespace=namespace if isinstance(namespace, str) else None,
                kwargs=kwargs,
                model=_tested_name(tested),
                relation=relation,
                compiled_code=as_str(result.get("compiled_code"))
                or as_str(node.get("compiled_code"))
                or None,
                where=where if isinstance(where, str) and where.strip() else None,
                failures_altered=config.get("limit") is not None or fail_calc != "count(*)",
                ctes=ctes,
            )
        )
    if missing:
        # skipping them would score a part of the run (or none of it) and pass a gate. The
        # invocation ids are not compared: `dbt ls` and `dbt parse` rewrite manifest.json alone.
        found = (
            f"none of its {tests} test results is in it"
            if len(missing) == tests
            else f"{len(missing)} of its {tests} test results are missing from it"
        )
        raise InputFileError(
            manifest_path,
            f"does not belong to {run_results_path}: {found} "
            f"({', '.join(missing[:3])}{', ...' if len(missing) > 3 else ''}); "
            "use the manifest.json written with that run_results.json",
        )
    return invocation_id, runs


# the tested source in a source test's `model` argument: {{ get_where_subquery(source('raw', 'orders')) }}
_SOURCE_CALL = re.compile(r"""source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)""")


def _tested_node(
    node: dict[str, Any], kwargs: dict[str, Any], nodes: dict[str, Any], sources: dict[str, Any]
) -> dict[str, Any]:
    """The node a test reads: its attached model / seed / snapshot, or (a test on a source has no
    attached node) the source its `model` argument names; {} if neither."""
    attached = as_str(node.get("attached_node"))
    if attached:
        return as_dict(nodes.get(attached))
    call = _SOURCE_CALL.search(as_str(kwargs.get("model")))
    if call:
        for value in sources.values():
            source = as_dict(value)
            if (source.get("source_name"), source.get("name")) == call.groups():
                return source
    return {}


def _tested_name(tested: dict[str, Any]) -> str:
    """A model's name, `name.v<version>` for a versioned model (its versions are separate tables,
    scored apart, as dbt shows them); a source's `source_name.table_name` (as the results hook
    records them)."""
    if tested.get("resource_type") == "source":
        return f"{as_str(tested.get('source_name'))}.{as_str(tested.get('name'))}"
    version = tested.get("version")
    if version is not None and version != "":
        return f"{as_str(tested.get('name'))}.v{version}"
    return as_str(tested.get("name"))


def _ephemeral_cte(node: dict[str, Any], tested: dict[str, Any]) -> tuple[str | None, tuple[str, ...]] | None:
    """For a test of an ephemeral model (no relation): the CTE name to count its rows from and
    the CTEs dbt compiled into the test (`extra_ctes`), so the count reads the rows the test read.
    None for other models, and (None, ()) when the test has no such CTE."""
    if as_dict(tested.get("config")).get("materialized") != "ephemeral":
        return None
    ctes = [as_dict(cte) for cte in node.get("extra_ctes") or []]
    for cte in ctes:
        if cte.get("id") == tested.get("unique_id"):
            # " __dbt__cte__<identifier> as (...)": the name dbt gave the model's CTE
            name = next(iter(as_str(cte.get("sql")).split()), None)
            return name, tuple(as_str(c.get("sql")) for c in ctes)
    return None, ()


def _json_type(value: object) -> str:
    """The JSON name of a parsed value's type, for error messages."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


QUALITY_DIMENSIONS = ("completeness", "accuracy", "consistency", "timeliness", "validity")


def is_quality_test(run: TestRun) -> bool:
    """A pipeline_kit test that reports rule rows (other package tests, e.g. scd2_integrity, do not)."""
    return run.namespace == "pipeline_kit" and (
        run.name == "quality" or run.name.split("_", 1)[0] in QUALITY_DIMENSIONS
    )


def _dimensions_of(run: TestRun) -> list[str]:
    if run.namespace == "pipeline_kit":
        if not is_quality_test(run):
            return []
        if run.name == "quality":
            dimensions = run.kwargs.get("dimensions")
            return sorted(dimensions) if isinstance(dimensions, dict) and dimensions else ["quality"]
        return [run.name.split("_", 1)[0]]
    return [BUILTIN_DIMENSIONS[run.name]] if run.name in BUILTIN_DIMENSIONS else []


def plain_column_name(value: object) -> str:
    """A test's column without the double quotes dbt adds under `quote: true`, as the results hook
    stores it (`_quality_column_name`): one column, one name in every rule and score."""
    name = str(value or "").strip()
    return name[1:-1] if len(name) > 1 and name[0] == name[-1] == '"' else name


def from_artifacts(runs: Sequence[TestRun]) -> list[RuleResult]:
    """Each test is one evaluated check, failing when the test failed/warned. A `quality` test
    spanning several dimensions is one check of dimension `quality`: the artifacts say how many of
    its rules failed, not which, so no dimension can be charged with it."""
    results = []
    for run in runs:
        dimension = _check_dimension(run)
        if dimension is None or run.status not in RECORDED_STATUSES:
            continue
        failed = run.status in {"fail", "warn"}
        if run.name == "quality":
            rule = f"quality({', '.join(d for d in _dimensions_of(run) if d != 'quality')})"
        else:
            rule = f"{run.name}({plain_column_name(run.kwargs.get('column_name'))})"
        results.append(RuleResult(run.model, dimension, rule, int(failed), 1, failed, "artifacts"))
    return results


def _check_dimension(run: TestRun) -> str | None:
    """The one dimension a test counts under as a whole: its own, or `quality` for a `quality`
    test spanning several; None for tests that are not scored."""
    dimensions = _dimensions_of(run)
    if not dimensions:
        return None
    return dimensions[0] if len(dimensions) == 1 else "quality"


def from_errored(runs: Sequence[TestRun]) -> list[RuleResult]:
    """The scored kinds of test that errored or were skipped: one failing rule of 0 evaluated rows
    each (no rows were checked, so row scores stay as they are, but the rule counts as failing
    and gates fail); its source is the status."""
    results = []
    for run in runs:
        dimension = _check_dimension(run)
        if dimension is not None and run.status in NOT_RUN_STATUSES:
            results.append(
                RuleResult(run.model, dimension, run.unique_id, 0, 0, True, run.status, errored=True)
            )
    return results


def _count_sql(run: TestRun) -> str:
    """The rows a built-in test evaluated: its model's (under the test's `where`, as dbt reads it)."""
    if run.relation is None:
        # the model is ephemeral and dbt compiled no CTE of it into the test (a parse-only manifest)
        raise PipelineKitError(
            f"{run.unique_id}: its model {run.model} has no relation and the test no compiled CTE "
            "of it to count its rows from (score the artifacts of a dbt build or test)"
        )
    with_clause = f"with {', '.join(run.ctes)} " if run.ctes else ""
    row_filter = f" where {run.where}" if run.where else ""
    return f"{with_clause}select count(*) from {run.relation}{row_filter}"


def _builtin_failing_rows(run: TestRun, query: Query) -> tuple[int, str]:
    """A built-in test's failing rows and, when they are only dbt's failure count, why. For a test
    grouped by value that failed, the aggregate of its compiled SQL's rows (its `where` and an
    ephemeral model's CTE are in that SQL); a passing one returned no rows, so it is not re-run."""
    aggregate = GROUPED_FAILING_ROWS.get(run.name)
    if aggregate is None and run.failures_altered:
        aggregate = "count(*)"  # one row per failing row, which a limit or fail_calc miscounted
    if aggregate is None or run.failures == 0:
        return run.failures, ""
    reason = "no compiled SQL in the artifacts"
    if run.compiled_code:
        sql = f"select coalesce({aggregate}, 0) from ({run.compiled_code}) as pk_failing_values"
        try:
            ((rows,),) = query(sql)
            return int(rows), ""
        # any driver's error: the likely one is a custom override of the test without n_records
        except Exception as error:
            first_line = next(iter(str(error).strip().splitlines()), type(error).__name__)
            reason = f"summing its n_records failed ({first_line})"
    # as the results hook does for such a test: a count of values beats no result at all
    return run.failures, (
        f"{run.unique_id}: failing rows are dbt's failure count ({run.failures}, distinct values, "
        f"not rows): {reason}"
    )


def from_warehouse(runs: Sequence[TestRun], query: Query) -> list[RuleResult]:
    """Re-run each pipeline_kit test's compiled SQL; count the rows of models with built-in tests."""
    results = []
    for run in runs:
        if run.status not in RECORDED_STATUSES:
            continue
        if is_quality_test(run) and run.compiled_code:
            sql = (
                "select dimension, rule_name, failing_rows, evaluated_rows, is_failing "
                f"from ({run.compiled_code}) as pk_test_result"
            )
            for dimension, rule, failing, evaluated, is_failing in query(sql):
                results.append(
                    RuleResult(
                        run.model, str(dimension), str(rule), int(failing), int(evaluated), bool(is_failing)
                    )
                )
        elif run.name in BUILTIN_DIMENSIONS and run.namespace is None and run.model:
            ((count,),) = query(_count_sql(run))
            column = plain_column_name(run.kwargs.get("column_name"))
            failing, note = _builtin_failing_rows(run, query)
            results.append(
                RuleResult(
                    run.model,
                    BUILTIN_DIMENSIONS[run.name],
                    f"{run.name}({column})",
                    failing,
                    int(count),
                    run.status in {"fail", "warn"},
                    "dbt",
                    note=note,
                )
            )
    return results


def from_results_table(invocation_id: str, table: str, query: Query) -> list[RuleResult]:
    rows = query(
        f"select {RESULT_COLUMNS} from {table} where invocation_id = '{invocation_id.replace(chr(39), '')}'"
    )
    # a test that errored or was skipped is stored by the hook too (source: its status); its rule
    # comes from the artifacts (from_errored), as without the hook
    return [
        RuleResult(str(m), str(d), str(r), int(f), int(e), bool(i), str(s))
        for m, d, r, f, e, i, s in rows
        if str(s) not in NOT_RUN_STATUSES
    ]


def load_rule_results(
    target_dir: Path, query: Query | None = None, results_table: str = "pipeline_kit_test_results"
) -> tuple[list[RuleResult], str]:
    """Rule results of the run in `target_dir` and which source they came from."""
    check_table_name(results_table)
    invocation_id, runs = load_test_runs(target_dir)
    # neither the hook nor a re-run has numbers of a test that errored: they come from the artifacts
    errored = from_errored(runs)
    if query is None:
        return from_artifacts(runs) + errored, "artifacts"
    try:
        stored = from_results_table(invocation_id, results_table, query)
    except Exception:  # no results table (the hook is opt-in): fall back to re-running tests
        stored = []
    if stored:
        return stored + errored, "results table"
    try:
        return from_warehouse(runs, query) + errored, "warehouse"
    except PipelineKitError:
        raise
    except Exception as error:
        raise PipelineKitError(f"re-running the tests' SQL failed: {error}") from error
