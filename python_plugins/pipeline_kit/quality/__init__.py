"""Quality scorecard: turn a dbt run's test results into scores per model and per dimension.

`load_rule_results` reads `run_results.json` + `manifest.json` (and, given a warehouse, the
pipeline_kit results table or the tests' compiled SQL) into `RuleResult`s; `Scorecard`
aggregates them (score = passing rows / evaluated rows); `render_*` print / write reports.
"""

from pipeline_kit.quality.results import RuleResult, load_rule_results
from pipeline_kit.quality.scorecard import Score, Scorecard

__all__ = ["RuleResult", "Score", "Scorecard", "load_rule_results"]
