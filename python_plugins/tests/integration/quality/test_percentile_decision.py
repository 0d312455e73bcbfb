"""The load-lag rule decides `percentile > max_lag_hours` without sorting (counts plus the two
values around the bound). Checked against the engine's own percentile_cont on groups built to
hit the edges: no values, one value, ties at the bound, interpolation landing exactly on it, just
above and just below it (a microsecond, a second), NULL lags, and several fractions. A group with
no lag at all fails (nothing to measure, as freshness fails with no timestamp): the reference's
NULL percentile counts as above the bound."""

from __future__ import annotations

import random

import pytest

from ..dbt_harness import DbtProject
from .helpers import show

pytestmark = pytest.mark.integration

BOUND_HOURS = 24
FRACTIONS = (0.0, 0.5, 0.9, 0.95, 1.0)
# Lags in microseconds around 24 hours; None = a NULL loaded_at (the row has no lag).
HOUR = 3_600_000_000
LAGS = (
    None,
    0,
    23 * HOUR,
    24 * HOUR - 1_000_000,
    24 * HOUR - 1,
    24 * HOUR,
    24 * HOUR + 1,
    24 * HOUR + 500_000,
    24 * HOUR + 1_000_000,
    24 * HOUR + 1_000_001,
    25 * HOUR,
    48 * HOUR,
)


def _groups() -> list[list[int | None]]:
    rng = random.Random(20240320)
    groups: list[list[int | None]] = [[], [None], [24 * HOUR], [25 * HOUR], [23 * HOUR, 25 * HOUR]]
    groups += [[23 * HOUR] * 19 + [25 * HOUR], [23 * HOUR, 24 * HOUR, 25 * HOUR, 26 * HOUR]]
    for _ in range(70):
        size = rng.choice([1, 2, 3, 5, 20, 21])
        groups.append([rng.choice(LAGS) for _ in range(size)])
    return groups


def _rows_sql() -> str:
    """Rows (grp, event_at, loaded_at): every group also has a row without loaded_at."""
    rows = []
    for group, lags in enumerate(_groups()):
        for lag in [None, *lags]:
            seconds, micros = divmod(lag, 1_000_000) if lag is not None else ("null", 0)
            rows.append(f"select {group}, {seconds}, {micros}")
    rows[0] = "select 0 as grp, cast(null as integer) as lag_s, 0 as lag_us"
    start = "cast('2024-01-01' as timestamp)"
    loaded = f"dbt.dateadd('microsecond', 'lag_us', dbt.dateadd('second', 'lag_s', \"{start}\"))"
    union = " union all ".join(rows)
    return f"select grp, {start} as event_at, {{{{ {loaded} }}}} as loaded_at from ({union}) as lag_rows"


def test_lag_percentile_decision_equals_percentile_cont(dbt_project: DbtProject) -> None:
    lag = "pipeline_kit._quality_hours_between('event_at', 'loaded_at')"
    columns_args = "'event_at', 'loaded_at'"
    columns = []
    for index, fraction in enumerate(FRACTIONS):
        ours = f"pipeline_kit._quality_lag_percentile_above({columns_args}, {fraction}, {BOUND_HOURS})"
        reference = f"pipeline_kit._quality_percentile({lag}, {fraction})"
        columns.append(f"{{{{ {ours} }}}} as ours_{index}")
        value = f"{{{{ {reference} }}}}"
        decision = f"case when ({value}) is null or {value} > {BOUND_HOURS} then 1 else 0 end"
        columns.append(f"{decision} as reference_{index}")
    sql = f"select grp, {', '.join(columns)} from ({_rows_sql()}) as lags group by grp"
    rows = show(dbt_project, sql)
    assert len(rows) == len(_groups())
    mismatches = [
        (row["grp"], FRACTIONS[index], row[f"ours_{index}"], row[f"reference_{index}"])
        for row in rows
        for index in range(len(FRACTIONS))
        if int(row[f"ours_{index}"]) != int(row[f"reference_{index}"])
    ]
    assert not mismatches, mismatches
    # The cases are not all one-sided: both decisions occur for every fraction.
    for index in range(len(FRACTIONS)):
        assert {int(row[f"ours_{index}"]) for row in rows} == {0, 1}
