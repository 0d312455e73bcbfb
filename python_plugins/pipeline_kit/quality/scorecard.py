"""Scores: passing rows / evaluated rows, overall, per dimension, per model."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline_kit.quality.results import RuleResult

DIMENSIONS = ("completeness", "accuracy", "consistency", "timeliness", "validity")


@dataclass(frozen=True)
class Score:
    failing_rows: int
    evaluated_rows: int
    rules: int
    failing_rules: int

    @property
    def passing_rows(self) -> int:
        return self.evaluated_rows - self.failing_rows

    @property
    def score(self) -> float | None:
        return self.passing_rows / self.evaluated_rows if self.evaluated_rows else None


def _score(results: Iterable[RuleResult]) -> Score:
    failing = evaluated = rules = failing_rules = 0
    for result in results:
        failing += min(result.failing_rows, result.evaluated_rows)
        evaluated += result.evaluated_rows
        rules += 1
        failing_rules += int(result.is_failing)
    return Score(failing, evaluated, rules, failing_rules)


@dataclass
class Scorecard:
    results: list[RuleResult]
    mode: str = "rows"
    notes: list[str] = field(default_factory=list)

    @property
    def overall(self) -> Score:
        return _score(self.results)

    def by_dimension(self) -> dict[str, Score]:
        names = sorted({r.dimension for r in self.results}, key=lambda d: (d not in DIMENSIONS, d))
        return {name: _score(r for r in self.results if r.dimension == name) for name in names}

    def by_model(self) -> dict[str, Score]:
        names = sorted({r.model for r in self.results})
        return {name: _score(r for r in self.results if r.model == name) for name in names}

    def failing_rules(self) -> list[RuleResult]:
        return sorted((r for r in self.results if r.is_failing), key=lambda r: (r.model, r.dimension, r.rule))

    def not_run_tests(self) -> list[RuleResult]:
        """Tests that errored or were skipped: they checked no rows, so no score can say their data
        passed."""
        return [r for r in self.failing_rules() if r.errored]

    def _scopes(self) -> list[tuple[str, Score]]:
        scopes = [("overall", self.overall)]
        scopes += [(f"dimension {name}", score) for name, score in self.by_dimension().items()]
        scopes += [(f"model {name}", score) for name, score in self.by_model().items()]
        return scopes

    def below(self, threshold: float) -> list[str]:
        """Every score (overall, dimension, model) under the threshold, as `name=score` strings."""
        return [
            f"{name}={score.score:.4f}"
            for name, score in self._scopes()
            if score.score is not None and score.score < threshold
        ]

    def unscored(self) -> list[str]:
        """The dimensions and models whose score is n/a: their rules evaluated no rows."""
        return [name for name, score in self._scopes()[1:] if score.score is None]
