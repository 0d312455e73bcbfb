"""Full-snapshot SCD models (`hard_deletes`) delete a live key the select lacks; two ways that goes
wrong, and what stops it:

- `--empty` and `--sample` make the select read part of the source, so no key counts as deleted
  on such a run (a dbt snapshot with `hard_deletes: invalidate` closes every current version
  under `--empty`: dbt-adapters #1329).
- A key whose row in the select has a NULL change time is in the select: the load skips the row
  (no change) and must not record the key as deleted.
- A failed or truncated extract returns few rows: `max_deleted_ratio` fails a load that would
  delete more than that share of the live keys, naming the counts, before anything is written.

Models: integration_tests/models/scd/scd2_deletes_{invalidate,new_record}.sql, and of the type 1
and 3 ones scd1_deletes_new_record and scd3_deletes_invalidate, over scd2_deletes_input
(event_time updated_at). Batch 1 holds keys 1, 2, 3; batch 2 leaves out key 2; batch 8 holds all
three, key 2 with no change time; batch 9 holds no rows (an empty extract).
"""

from __future__ import annotations

from typing import Any

import pytest

from ..dbt_harness import DbtProject
from ..merge.warehouse import as_multiset, read_table

pytestmark = pytest.mark.integration

SCD2_COLUMNS = ["id", "val", "valid_from", "valid_to", "is_current"]
COLUMNS = {
    "scd2_deletes_invalidate": SCD2_COLUMNS,
    "scd2_deletes_new_record": SCD2_COLUMNS,
    "scd1_deletes_new_record": ["id", "val", "last_changed_at", "is_deleted"],
    "scd3_deletes_invalidate": ["id", "val", "previous_val", "last_changed_at"],
}
MODELS = list(COLUMNS)
NOTICE = "the select reads part of the source (--empty or --sample), so hard_deletes records no deletes"
Tables = dict[str, list[tuple[str, ...]]]


def _tables(project: DbtProject) -> Tables:
    return {model: as_multiset(read_table(project, model), columns) for model, columns in COLUMNS.items()}


def _first_load(project: DbtProject) -> Tables:
    selection = ["scd2_deletes_input", *MODELS, *(f"{model}_expected" for model in MODELS)]
    built = project.run("build", "--select", *selection, "--full-refresh", dbt_vars={"scd_batch": 1})
    assert built.ok, f"batch 1 on {project.target.name}:\n{built.tail()}"
    tables = _tables(project)
    assert all(len(rows) == 3 for rows in tables.values()), tables
    return tables


def _key_2_deleted_by_batch_2(project: DbtProject, before: Tables, **dbt_vars: Any) -> None:
    """Batch 2 as a plain run records key 2's delete (so the runs the tests refuse could have)."""
    full = project.run("build", "--select", *MODELS, dbt_vars={"scd_batch": 2, **dbt_vars})
    assert full.ok, f"batch 2 on {project.target.name}:\n{full.tail()}"
    after = _tables(project)
    for model in MODELS:
        assert after[model] != before[model], f"{model}: batch 2 recorded no delete"
    # invalidate: key 2 has no current version (SCD2) or no row (type 3) any more; new_record
    # flags it (type 1)
    assert not [row for row in after["scd2_deletes_invalidate"] if row[0] == "2" and row[4] == "true"]
    assert not [row for row in after["scd3_deletes_invalidate"] if row[0] == "2"]
    assert [row[3] for row in after["scd1_deletes_new_record"] if row[0] == "2"] == ["true"]


def test_empty_run_deletes_nothing(dbt_project: DbtProject) -> None:
    before = _first_load(dbt_project)
    empty = dbt_project.run("run", "--select", *MODELS, "--empty", dbt_vars={"scd_batch": 2})
    assert empty.ok, f"--empty on {dbt_project.target.name}:\n{empty.tail()}"
    assert _tables(dbt_project) == before, f"--empty changed a table on {dbt_project.target.name}"
    assert empty.output.count(NOTICE) == len(MODELS), empty.tail()
    _key_2_deleted_by_batch_2(dbt_project, before)


@pytest.mark.parametrize(
    "window", ["{'start': '2024-01-01', 'end': '2024-01-02'}", "{'start': '2020-01-01', 'end': '2020-01-02'}"]
)
def test_sampled_run_deletes_nothing(duckdb_project: DbtProject, window: str) -> None:
    """A window holding all of batch 2's rows (keys 1 and 3, unchanged) or none of them."""
    before = _first_load(duckdb_project)
    sampled = duckdb_project.run("run", "--select", *MODELS, "--sample", window, dbt_vars={"scd_batch": 2})
    assert sampled.ok, f"--sample {window}:\n{sampled.tail()}"
    assert _tables(duckdb_project) == before, f"--sample {window} changed a table"
    assert sampled.output.count(NOTICE) == len(MODELS), sampled.tail()
    _key_2_deleted_by_batch_2(duckdb_project, before)


def _refused(project: DbtProject, batch: int, ratio: float, before: Tables, lacks: str) -> None:
    run = project.run(
        "run", "--select", *MODELS, dbt_vars={"scd_batch": batch, "scd_max_deleted_ratio": ratio}
    )
    assert not run.ok, f"batch {batch} with max_deleted_ratio {ratio} loaded on {project.target.name}"
    for model in MODELS:
        message = (
            f"pipeline_kit.scd: {model}: the select lacks {lacks} live keys,"
            f" more than `max_deleted_ratio` {ratio}"
        )
        assert message in run.output, f"{model}: {message!r} missing:\n{run.tail(40)}"
    assert _tables(project) == before, f"a refused load changed a table on {project.target.name}"


def test_max_deleted_ratio_refuses_a_truncated_snapshot(dbt_project: DbtProject) -> None:
    before = _first_load(dbt_project)
    _refused(dbt_project, 9, 0.5, before, "3 of the 3")  # an empty extract
    _refused(dbt_project, 2, 0.2, before, "1 of the 3")  # one key of three: more than 0.2
    _key_2_deleted_by_batch_2(dbt_project, before, scd_max_deleted_ratio=0.5)


def test_key_with_null_change_time_is_not_deleted(dbt_project: DbtProject) -> None:
    """Batch 8 holds key 2 with a NULL updated_at: no change and no delete (the staged batch
    skips the row; the delete test once looked for the key there only and closed it)."""
    before = _first_load(dbt_project)
    run = dbt_project.run("run", "--select", *MODELS, dbt_vars={"scd_batch": 8})
    assert run.ok, f"batch 8 on {dbt_project.target.name}:\n{run.tail()}"
    assert _tables(dbt_project) == before, f"batch 8 changed a table on {dbt_project.target.name}"
    _key_2_deleted_by_batch_2(dbt_project, before)
