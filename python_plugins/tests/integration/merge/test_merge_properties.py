"""Property test: random CDC batch sequences through pipeline_kit_merge equal the Python reference
model (python_plugins/tests/unit/merge/reference.py) after every batch. DuckDB runs more examples;
PostgreSQL a shorter run, on both the MERGE and the forced fallback path."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ...unit.merge.reference import Change, Row, apply_batch
from ..conftest import project_for
from ..dbt_harness import AdapterTarget
from .warehouse import read_table

pytestmark = pytest.mark.integration

changes = st.builds(
    Change,
    key=st.tuples(st.sampled_from(["a", None]), st.integers(1, 3)),
    seq=st.one_of(st.none(), st.integers(0, 12)) | st.integers(0, 12),
    op=st.sampled_from(["I", "U", "D"]),
    val=st.one_of(st.none(), st.integers(0, 3)),
)
sequences = st.lists(st.lists(changes, max_size=6), min_size=1, max_size=4)


def as_var(batch: list[Change]) -> list[dict[str, Any]]:
    return [{"tenant": c.key[0], "id": c.key[1], "seq": c.seq, "op": c.op, "val": c.val} for c in batch]


def expected_rows(table: dict[tuple[Any, ...], Row], mode: str) -> list[tuple[str, ...]]:
    def text(value: Any) -> str:
        return "" if value is None else str(value).lower()

    rows = []
    for (tenant, ident), row in table.items():
        values = [tenant, ident, row.seq, row.val]
        if mode == "soft":
            values += [row.is_deleted, row.deleted_at]
        rows.append(tuple(text(v) for v in values))
    return sorted(rows)


def actual_rows(project: Any, mode: str) -> list[tuple[str, ...]]:
    columns = ["tenant", "id", "seq", "val"] + (["is_deleted", "deleted_at"] if mode == "soft" else [])
    return sorted(tuple(row[c] for c in columns) for row in read_table(project, "merge_prop"))


def check_sequence(project: Any, batches: list[list[Change]], mode: str, fallback: bool) -> None:
    table: dict[tuple[Any, ...], Row] = {}
    for number, batch in enumerate(batches, start=1):
        args = ["run", "--select", "merge_prop"] + (["--full-refresh"] if number == 1 else [])
        dbt_vars = {
            "merge_prop_enabled": True,
            "merge_prop_rows": as_var(batch),
            "merge_prop_mode": mode,
            "merge_force_fallback": fallback,
        }
        result = project.run(*args, dbt_vars=dbt_vars)
        assert result.ok, f"batch {number} failed: {result.output}"
        table = apply_batch(table, batch, mode)
        assert actual_rows(project, mode) == expected_rows(table, mode), (
            f"{project.target.name} {mode} fallback={fallback}: table differs from the reference "
            f"after batch {number} of {batches}"
        )


@settings(
    max_examples=8,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(batches=sequences, mode=st.sampled_from(["hard", "soft"]))
def test_duckdb_matches_reference(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Any, batches: list[list[Change]], mode: str
) -> None:
    project = project_for("duckdb", adapter_targets, tmp_root)
    check_sequence(project, batches, mode, fallback=False)


@settings(
    max_examples=3,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(batches=sequences, mode=st.sampled_from(["hard", "soft"]), fallback=st.booleans())
def test_postgres_matches_reference(
    adapter_targets: dict[str, AdapterTarget],
    tmp_root: Any,
    batches: list[list[Change]],
    mode: str,
    fallback: bool,
) -> None:
    project = project_for("postgres", adapter_targets, tmp_root)
    check_sequence(project, batches, mode, fallback)
