"""`--fail-on RULE=THRESHOLD` CI gates: any rule over its threshold makes the command exit 1."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline_kit.analyze.engine import Analysis
from pipeline_kit.analyze.history import FAILED, NO_WALL_BASELINE, Regression
from pipeline_kit.analyze.report import GateOutcome
from pipeline_kit.artifacts.loading import finite_number
from pipeline_kit.errors import PipelineKitError

WALL = "(wall time)"


@dataclass(frozen=True)
class GateFacts:
    analysis: Analysis
    # Every node (and "(wall time)") slower than its baseline median; empty without history.
    slowdowns: Sequence[Regression]
    has_baseline: bool
    # --regression-min-s: a slowdown of fewer seconds is noise to the regression gates
    min_seconds: float = 0.0

    def counted(self, wall: bool) -> list[Regression]:
        return [
            r
            for r in self.slowdowns
            if (r.unique_id == WALL) == wall and r.current_s - r.baseline_s >= self.min_seconds
        ]

    def ignored(self, wall: bool) -> list[Regression]:
        counted = self.counted(wall)
        return [r for r in self.slowdowns if (r.unique_id == WALL) == wall and r not in counted]


def _max_node_change(facts: GateFacts) -> float:
    return max((r.change_pct for r in facts.counted(wall=False)), default=0.0)


def _wall_change(facts: GateFacts) -> float:
    return next((r.change_pct for r in facts.counted(wall=True)), 0.0)


def _ignored_note(facts: GateFacts, rule: str) -> str:
    ignored = facts.ignored(wall=rule == "wall_regression_pct")
    if not ignored:
        return ""
    worst = max(ignored, key=lambda r: r.change_pct)
    change = "from 0 s" if worst.baseline_s <= 0 else f"+{worst.change_pct:.0f}%"
    return (
        f" (not counted: {worst.unique_id} {change}, only {worst.current_s - worst.baseline_s:.2f} s "
        f"slower, under --regression-min-s {facts.min_seconds:g})"
    )


RULES: dict[str, tuple[str, Callable[[GateFacts], float]]] = {
    "wall_s": ("wall time in seconds", lambda f: f.analysis.timeline.wall_s),
    "failures": ("failed or errored nodes", lambda f: float(len(f.analysis.nodes_with_status(*FAILED)))),
    "cost_per_run": ("cost of this run", lambda f: f.analysis.cost.per_run),
    "cost_per_month": ("projected monthly cost", lambda f: f.analysis.cost.per_month),
    "wall_regression_pct": ("wall time % over the baseline median", _wall_change),
    "node_regression_pct": ("largest node slowdown % over its baseline median", _max_node_change),
}
NEEDS_HISTORY = {"wall_regression_pct", "node_regression_pct"}
NEEDS_A_PRICE = {"cost_per_run", "cost_per_month"}


def parse_gates(specs: Sequence[str]) -> list[tuple[str, float]]:
    gates = []
    for spec in specs:
        rule, _, value = spec.partition("=")
        rule = rule.strip().replace("-", "_")
        if rule not in RULES:
            raise PipelineKitError(f"--fail-on {spec!r}: unknown rule (known: {', '.join(sorted(RULES))})")
        threshold = finite_number(value.strip().rstrip("%"))
        # nan failed every gate and inf passed every one; no measure is below zero
        if threshold is None or threshold < 0:
            raise PipelineKitError(
                f"--fail-on {spec!r}: expected RULE=NUMBER, a finite number >= 0, e.g. wall_regression_pct=20"
            )
        gates.append((rule, threshold))
    return gates


def refuse_unpriced_cost_gates(gates: Sequence[tuple[str, float]], analysis: Analysis) -> None:
    """PipelineKitError (exit 2) for a cost gate where nothing can be priced (an adapter without
    built-in pricing and no --price-per-hour): every cost is 0 and the gate would always pass."""
    unpriced = analysis.cost.unpriced_reason
    for rule, _ in gates:
        if rule in NEEDS_A_PRICE and unpriced:
            raise PipelineKitError(
                f"--fail-on {rule}: nothing in this run is priced ({unpriced}), so the gate could never fail"
            )


def evaluate_gates(gates: Sequence[tuple[str, float]], facts: GateFacts) -> list[GateOutcome]:
    outcomes = []
    for rule, threshold in gates:
        description, measure = RULES[rule]
        if rule in NEEDS_HISTORY and not facts.has_baseline:
            outcomes.append(GateOutcome(rule, threshold, 0.0, True, "no baseline runs in history yet"))
            continue
        if rule == "wall_regression_pct" and facts.analysis.run.run_results.command in NO_WALL_BASELINE:
            detail = "a `dbt retry` runs only what failed or was skipped: its wall time has no baseline"
            outcomes.append(GateOutcome(rule, threshold, 0.0, True, detail))
            continue
        actual = measure(facts)
        passed = actual <= threshold
        verdict = "within" if passed else "over"
        note = _ignored_note(facts, rule) if rule in NEEDS_HISTORY else ""
        outcomes.append(
            GateOutcome(
                rule, threshold, actual, passed, f"{description}: {actual:.4g} {verdict} {threshold:g}{note}"
            )
        )
    return outcomes
