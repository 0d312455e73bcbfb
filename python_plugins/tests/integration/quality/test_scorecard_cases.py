"""The results hook and `pipeline-kit quality` on built-in tests that read more or less than a
model's table: on an ephemeral model (before: the hook failed, "Table with name ... does not
exist"), with a `where` (the warehouse fallback counted the whole model) and on a source (left
out). Every mode must give the same rows: the results table, the warehouse fallback, and the
artifacts mode's one check per test. Also dbt's accepted_values and unique, which count failing
values: they are scored in failing rows (before: 1 failing "row" where 3 of 4 rows held a bad
value, a 75% score for 25% passing rows), as the pipeline_kit tests beside them count.
Cases and counts: integration_tests/models/scorecard_cases.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from pipeline_kit.quality.results import Query, RuleResult, dbapi_query, duckdb_query, load_rule_results
from pipeline_kit.quality.scorecard import Scorecard

from ..conftest import project_for
from ..dbt_harness import AdapterTarget, DbtProject
from .helpers import hooked_copy, show

pytestmark = pytest.mark.integration

SOURCE = "scorecard_raw.quality_customers_input"
VALUES = "scorecard_value_counts"
# (source, rule) -> (model, failing rows, evaluated rows)
EXPECTED_ROWS = {
    ("dbt", "not_null(customer_id)"): ("scorecard_ephemeral_orders", 1, 10),
    ("dbt", "not_null(order_id)"): ("scorecard_ephemeral_orders", 0, 5),
    ("dbt", "accepted_values(customer_name)"): (SOURCE, 1, 3),
    # dbt's failure count is 1 (one bad value) in each of these three
    ("dbt", "accepted_values(status)"): (VALUES, 3, 4),
    ("pipeline_kit", "accepted_values(status)"): (VALUES, 3, 4),
    ("dbt", "unique(customer_id)"): (VALUES, 2, 4),
    ("pipeline_kit", "unique(customer_id)"): (VALUES, 2, 4),
    ("dbt", "accepted_values(channel)"): (VALUES, 2, 3),  # where order_id > 1
}
# its own results table: test_scores.py scores everything stored in the default one, and these
# cases' rows (stored first in a session) would enter its per-model and overall scores
RESULTS_TABLE = "pk_scorecard_cases_results"
TABLE_VAR = {"pipeline_kit_results_table": RESULTS_TABLE}
PG_DEFAULTS = {"user": "postgres", "host": "127.0.0.1", "port": "5432", "dbname": "postgres"}


def _warehouse_query(project: DbtProject) -> Query:
    target = project.target
    if target.name == "duckdb":
        return duckdb_query(Path(target.env["PK_DUCKDB_PATH"]))
    env = {key: os.environ.get(f"PK_PG_{key.upper()}", default) for key, default in PG_DEFAULTS.items()}
    return dbapi_query(
        f"postgresql://{env['user']}@{env['host']}:{env['port']}/{env['dbname']}"
        f"?options=-csearch_path%3D{target.schema}"
    )


def _by_rule(results: list[RuleResult]) -> dict[tuple[str, str], tuple[str, int, int]]:
    return {(r.source, r.rule): (r.model, r.failing_rows, r.evaluated_rows) for r in results}


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_hook_and_cli_count_ephemeral_where_and_source_tests(
    adapter: str,
    adapter_targets: dict[str, AdapterTarget],
    tmp_root: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    project = project_for(adapter, adapter_targets, tmp_root)
    copy = hooked_copy(project, Path(tmp_path_factory.mktemp(f"scorecard_cases_{adapter}")))
    seeded = copy.run("seed", "--select", "path:seeds/quality")
    assert seeded.ok, seeded.tail()
    built = copy.run(
        "build",
        "--select",
        "path:models/scorecard_cases",
        dbt_vars={"pipeline_kit_store_results": True, "pk_scorecard_source": True, **TABLE_VAR},
    )
    # the on-run-end hook is part of the build: it must not fail
    assert built.ok and "WARN=7 ERROR=0" in built.output, built.tail()
    assert "stored results of 8 quality tests" in built.output, built.tail()
    assert "stored as dbt's failure count" not in built.output, built.tail()
    # the build's artifacts, before `dbt show` (below) writes its own run_results.json
    target_dir = tmp_path_factory.mktemp(f"scorecard_cases_{adapter}_target")
    for name in ("manifest.json", "run_results.json"):
        shutil.copy(project.target.workdir / "target" / name, target_dir / name)

    # the build's rows only (a table of its own, but re-runs of the test append to it)
    invocation_id = json.loads((target_dir / "run_results.json").read_text())["metadata"]["invocation_id"]
    stored = show(
        copy,
        "select source, rule_name, model_name, failing_rows, evaluated_rows "
        "from {{ pipeline_kit.quality_results_relation() }} "
        f"where invocation_id = '{invocation_id}'",
        dbt_vars=TABLE_VAR,
    )
    by_rule = {
        (row["source"], row["rule_name"]): (
            row["model_name"],
            int(row["failing_rows"]),
            int(row["evaluated_rows"]),
        )
        for row in stored
    }
    assert by_rule == EXPECTED_ROWS

    checks, source = load_rule_results(target_dir)
    assert source == "artifacts"
    card = Scorecard(checks)
    assert {name: (s.failing_rows, s.evaluated_rows) for name, s in card.by_model().items()} == {
        "scorecard_ephemeral_orders": (1, 2),
        SOURCE: (1, 1),
        VALUES: (5, 5),
    }
    if adapter == "snowflake":
        # The CLI's other modes connect through DB-API; fakesnow's warehouse exists only inside
        # the dbt process it patches. The hook's rows (ephemeral CTE, n_records) are checked above.
        return
    query = _warehouse_query(project)
    from_table, source = load_rule_results(target_dir, query, RESULTS_TABLE)
    assert source == "results table"
    assert _by_rule(from_table) == EXPECTED_ROWS
    rerun, source = load_rule_results(target_dir, query, "pk_no_such_results_table")
    assert source == "warehouse"
    assert _by_rule(rerun) == EXPECTED_ROWS
    assert not [r.note for r in rerun if r.note]
