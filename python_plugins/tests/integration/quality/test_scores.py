"""Results hook + score models: scores equal hand-computed values on the seed, the hook is
idempotent per invocation and batched, and a failing `quality` test names its failing rules.

quality_scored_orders carries one `quality` test (16 rules) and three dbt built-ins (unique
order_id, not_null customer_id (warn), relationships customer_id (warn)). The seed's defects
(the data quality section of the README) give, failing / evaluated rows:
  completeness: null customer_id 1/10, null email 1/10, required 1/10, min_row_count 0/1,
                built-in not_null 1/10                                  -> 4/41
  accuracy:     range 1/10, business rule 1/10, sum 0/1                 -> 2/21
  consistency:  relationship 1/10, cross-column 0/10, reconciliation 0/1,
                built-in relationships 1/10                             -> 2/31
  timeliness:   freshness 0/1, load lag 0/1                             -> 0/2
  validity:     accepted 1/10, regex 1/10, length 1/10, castable 1/10, unique 1/10 (one duplicate row),
                built-in unique 0/10                                    -> 5/60
  overall                                                               -> 13/155
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline_kit.quality.results import dbapi_query, load_rule_results
from pipeline_kit.quality.scorecard import Scorecard

from ..dbt_harness import DbtProject
from .helpers import hooked_copy, show

pytestmark = pytest.mark.integration

EXPECTED_DIMENSIONS = {
    "completeness": (4, 41),
    "accuracy": (2, 21),
    "consistency": (2, 31),
    "timeliness": (0, 2),
    "validity": (5, 60),
}
# quality_negative_orders' `quality` test has the same 17 rules (3 with tighter thresholds) on the
# same rows: the counts without the built-ins (11 failing of 125) plus the load lag check, which
# now fails (p95 14.2 h > 2 h): 12 failing of 125 evaluated rows.
EXPECTED_MODELS = {"quality_scored_orders": (13, 155), "quality_negative_orders": (12, 125)}
EXPECTED_OVERALL = (25, 280)
# the integration profile's PostgreSQL settings (PK_PG_* override them, as in profiles.yml)
PG_DEFAULTS = {"user": "postgres", "host": "127.0.0.1", "port": "5432", "dbname": "postgres"}

SCORES_SQL = """
select 'dimension' as scope, dimension as name, failing_rows, evaluated_rows, score, rules
from {{ ref('pipeline_kit_quality_scores') }} where model_name = 'quality_scored_orders'
union all
select 'model', model_name, failing_rows, evaluated_rows, score, rules
from {{ ref('pipeline_kit_quality_model_scores') }}
union all
select 'overall', 'all', failing_rows, evaluated_rows, score, rules
from {{ ref('pipeline_kit_quality_overall_scores') }}
union all
select 'failing rule', rule_name, failing_rows, evaluated_rows, null, null
from {{ pipeline_kit.quality_results_relation() }}
where model_name = 'quality_negative_orders' and is_failing = 1
"""


def test_scores_match_hand_computed_values(
    dbt_project: DbtProject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    copy = hooked_copy(dbt_project, Path(tmp_path_factory.mktemp(f"scores_{dbt_project.target.name}")))
    negative = {"pk_quality_negative": True}
    # batch size 3: the hook's 5 recorded tests go in two INSERTs
    store = {**negative, "pipeline_kit_store_results": True, "pipeline_kit_results_batch_size": 3}
    for command in ("seed", "run"):
        built = copy.run(
            command,
            "--select",
            "path:seeds/quality",
            "quality_scored_orders",
            "quality_customers",
            "quality_negative_orders",
            dbt_vars=negative,
        )
        assert built.ok, built.tail()
    tested = copy.run(
        "test",
        "--select",
        "quality_scored_orders",
        "quality_negative_orders,test_name:quality",
        dbt_vars=store,
    )
    assert not tested.ok and "Got 3 results" in tested.output, tested.tail()  # the negative quality test
    assert "stored results of 5 quality tests" in tested.output, tested.tail()
    if dbt_project.target.name == "postgres":
        _check_the_cli_reads_the_results_table(dbt_project)
    model_vars = {**negative, "pipeline_kit_enable_models": True}
    scores = copy.run("run", "--select", "package:pipeline_kit", dbt_vars=model_vars)
    assert scores.ok, scores.tail()

    rows = show(copy, SCORES_SQL, dbt_vars=model_vars)
    by_scope: dict[str, dict[str, tuple[int, int]]] = {}
    for row in rows:
        by_scope.setdefault(row["scope"], {})[row["name"]] = (
            int(row["failing_rows"]),
            int(row["evaluated_rows"]),
        )
        if row["score"] is not None:
            failing, evaluated = by_scope[row["scope"]][row["name"]]
            assert float(row["score"]) == pytest.approx((evaluated - failing) / evaluated)
    assert by_scope["dimension"] == EXPECTED_DIMENSIONS
    assert by_scope["model"] == EXPECTED_MODELS
    assert by_scope["overall"] == {"all": EXPECTED_OVERALL}
    # The failing quality test's rows name exactly the three rules over threshold.
    assert sorted(by_scope["failing rule"]) == sorted(
        ["null_ratio(customer_id)", "unique(order_code)", "load_lag_p95(loaded_at - event_at)"]
    )

    # `dbt build --empty` tests empty models: nothing of it enters the results (they describe no
    # data, and would become the score history's latest run)
    count_sql = "select count(*) as n from {{ pipeline_kit.quality_results_relation() }}"
    stored = show(copy, count_sql, dbt_vars=model_vars)[0]["n"]
    empty = copy.run("build", "--select", "quality_scored_orders", "--empty", dbt_vars=store)
    assert show(copy, count_sql, dbt_vars=model_vars)[0]["n"] == stored, "an --empty run stored results"
    assert "quality results not stored: this run read no rows or a sample" in empty.output, empty.tail()


def _check_the_cli_reads_the_results_table(project: DbtProject) -> None:
    """`pipeline-kit quality --connection` on PostgreSQL: the stored results of the invocation,
    scored as the score models score them, over a read-only connection."""
    env = {key: os.environ.get(f"PK_PG_{key.upper()}", default) for key, default in PG_DEFAULTS.items()}
    url = (
        f"postgresql://{env['user']}@{env['host']}:{env['port']}/{env['dbname']}"
        f"?options=-csearch_path%3D{project.target.schema}"
    )
    query = dbapi_query(url)
    results, source = load_rule_results(project.target.workdir / "target", query)
    assert source == "results table", source
    card = Scorecard(results)
    by_model = {name: (s.failing_rows, s.evaluated_rows) for name, s in card.by_model().items()}
    assert by_model == EXPECTED_MODELS, by_model
    assert (card.overall.failing_rows, card.overall.evaluated_rows) == EXPECTED_OVERALL
    with pytest.raises(Exception, match="read-only transaction"):
        query("create table pk_quality_cli_write_check (i integer)")
