"""Defects a review of pipeline_kit_merge found, each loaded batch by batch on every adapter (and
PostgreSQL's delete / update / insert fallback where the path differs):

- a data column named `rowid` once shadowed DuckDB's row id the staged path deletes by (keys
  stored twice, unrelated rows deleted);
- a key column whose type changed between batches (date, then timestamp) once stopped matching on
  DuckDB's staged path and the fallback (every key inserted again);
- a column narrowed under on_schema_change ignore (decimal into an integer column) once counted as
  changed on every rerun (the row rewritten, `_updated_at` moved);
- columns named `_pk_...` were dropped from the target (a `_pk_id` key failed with a binder
  error); only the materialization's own scratch names are reserved now, with a named error;
- merge_lookback_filter wrote a mixed-case ordering column unquoted (PostgreSQL folded it);
- in dbt unit tests merge_is_incremental ignored the `is_incremental` override and
  merge_lookback_filter demanded a column the unit test's config does not carry;
- merge_lookback_filter's days on a timezone-aware column were calendar days of the session's
  zone (23 hours across a DST change in New York): a late row 23.5 hours older than the latest
  was not read; days and weeks are fixed hours now (found in the 2026-12-07 review);
- a number in `merge_delete_values` was written unquoted: against a text operation column
  PostgreSQL failed (`varchar = integer`), DuckDB and Snowflake cast the text, so '03' deleted its
  key and a text op such as 'I' failed the run (found in the 2026-12-07 review).

The tests build their own models in a copy of the integration project (nothing shared changes),
with a target of their own per adapter (a pk_fixmerge_* schema on PostgreSQL, dropped after)."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from ..conftest import require_adapter
from ..dbt_harness import REPO_ROOT, DbtProject, DbtResult, drop_postgres_schema, make_target
from .warehouse import read_table

pytestmark = pytest.mark.integration

Columns = list[tuple[str, str]]


@pytest.fixture(scope="module", params=["duckdb", "postgres", "snowflake"])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DbtProject]:
    """A copy of the package and its integration project without the shared models, on a target
    of its own."""
    name = str(request.param)
    require_adapter(name)
    root = tmp_path_factory.mktemp(f"merge_fixes_{name}")
    target = make_target(name, root / "target")
    target.workdir.mkdir(parents=True, exist_ok=True)
    if name == "postgres":
        target.schema = target.env["PK_SCHEMA"] = f"pk_fixmerge_{uuid.uuid4().hex[:10]}"
    ignore = shutil.ignore_patterns(
        ".*", "target", "dbt_packages", "logs", "*.duckdb", "python_plugins", "benchmarks", "examples", "docs"
    )
    shutil.copytree(REPO_ROOT, root / "pkg", ignore=ignore)
    project_dir = root / "pkg" / "integration_tests"
    for folder in ("models", "seeds", "tests"):
        shutil.rmtree(project_dir / folder)
    (project_dir / "models").mkdir()
    project = DbtProject(target, project_dir=project_dir)
    assert project.deps().ok
    try:
        yield project
    finally:
        if name == "postgres":
            drop_postgres_schema(target.schema)


def literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def rows_sql(columns: Columns, rows: list[tuple[Any, ...]]) -> str:
    """Literal rows as a select: `columns` are (SQL name, SQL type)."""
    selects = []
    for row in rows:
        items = [f"cast({literal(v)} as {t}) as {n}" for (n, t), v in zip(columns, row, strict=True)]
        selects.append("select " + ", ".join(items))
    return "\nunion all\n".join(selects)


def write_model(project: DbtProject, model: str, config: str, sql: str) -> None:
    text = "{{ config(materialized='pipeline_kit_merge', " + config + ") }}\n" + sql + "\n"
    (project.project_dir / "models" / f"{model}.sql").write_text(text)


def run(project: DbtProject, model: str, first: bool = False) -> DbtResult:
    return project.run("run", "--select", model, *(["--full-refresh"] if first else []))


def load(project: DbtProject, model: str, config: str, batches: list[str]) -> list[dict[str, str]]:
    """Load each batch's select in turn (the first as a full refresh); the table after the last."""
    for number, sql in enumerate(batches, start=1):
        write_model(project, model, config, sql)
        result = run(project, model, first=number == 1)
        assert result.ok, f"{model} batch {number} on {project.target.name}:\n{result.tail()}"
    return read_table(project, model)


def fallback_cases(project: DbtProject) -> list[bool]:
    return [False, True] if project.target.name == "postgres" else [False]


# -- 1. a column named rowid -------------------------------------------------------------------


@pytest.mark.parametrize("rowid_name", ["rowid", '"RowID"'])
def test_a_column_named_rowid_is_data(project: DbtProject, rowid_name: str) -> None:
    if rowid_name != "rowid" and project.target.name != "duckdb":
        pytest.skip("the case-insensitive shadowing of rowid is DuckDB's; one spelling elsewhere")
    columns = [("id", "integer"), (rowid_name, "integer"), ("val", "varchar(8)"), ("ts", "integer")]
    batches = [
        rows_sql(columns, [(1, None, "a", 1), (2, 7, "b", 1), (3, 7, "c", 1)]),
        rows_sql(columns, [(1, None, "a2", 2), (2, 7, "b2", 2)]),
    ]
    rows = load(project, "fix_rowid", "unique_key='id', merge_order_by='ts'", batches)
    actual = sorted((r["id"], r[rowid_name.strip('"').lower()], r["val"], r["ts"]) for r in rows)
    assert actual == [("1", "", "a2", "2"), ("2", "7", "b2", "2"), ("3", "7", "c", "1")]


# -- 2. a key column whose type changed --------------------------------------------------------


def test_a_retyped_key_still_matches(project: DbtProject) -> None:
    for fallback in fallback_cases(project):
        config = f"unique_key=['d', 'store'], merge_order_by='ts', merge_force_fallback={fallback}"
        first = [("d", "date"), ("store", "varchar(4)"), ("val", "varchar(4)"), ("ts", "integer")]
        later = [("d", "timestamp"), *first[1:]]
        batches = [
            rows_sql(first, [("2024-01-01", "s1", "a", 1), ("2024-01-02", "s1", "b", 1)]),
            rows_sql(later, [("2024-01-01 00:00:00", "s1", "a2", 2), ("2024-01-02 00:00:00", "s1", "b", 1)]),
        ]
        rows = load(project, "fix_key_type", config, batches)
        actual = sorted((r["d"][:10], r["store"], r["val"], r["ts"]) for r in rows)
        expected = [("2024-01-01", "s1", "a2", "2"), ("2024-01-02", "s1", "b", "1")]
        assert actual == expected, f"fallback={fallback}"


# -- 7. a narrowed column is no change on a rerun ----------------------------------------------


def test_a_narrowed_column_reruns_without_writing(project: DbtProject) -> None:
    for fallback in fallback_cases(project):
        config = (
            f"unique_key='id', merge_order_by='ts', merge_audit_columns=true, merge_force_fallback={fallback}"
        )
        first = [("id", "integer"), ("amt", "integer"), ("ts", "integer")]
        later = [("id", "integer"), ("amt", "decimal(10,2)"), ("ts", "integer")]
        load(
            project, "fix_narrowed", config, [rows_sql(first, [(1, 10, 1)]), rows_sql(later, [(1, 10.5, 2)])]
        )
        before = read_table(project, "fix_narrowed")
        assert [(r["amt"], r["ts"]) for r in before] == [("11", "2")], before
        result = run(project, "fix_narrowed")
        assert result.ok, result.tail()
        after = read_table(project, "fix_narrowed")
        assert after == before, f"fallback={fallback}: the rerun rewrote the row"


# -- 4. columns named _pk_... ------------------------------------------------------------------


def test_columns_named_pk_are_stored(project: DbtProject) -> None:
    columns = [("_pk_id", "integer"), ("_pk_note", "varchar(8)"), ("ts", "integer")]
    batches = [rows_sql(columns, [(1, "a", 1), (2, "b", 1)]), rows_sql(columns, [(1, "a2", 2)])]
    rows = load(project, "fix_pk_names", "unique_key='_pk_id', merge_order_by='ts'", batches)
    assert sorted((r["_pk_id"], r["_pk_note"], r["ts"]) for r in rows) == [("1", "a2", "2"), ("2", "b", "1")]


def test_a_reserved_scratch_name_is_a_named_error(project: DbtProject) -> None:
    if project.target.name != "duckdb":
        pytest.skip("a compile-time check, the same on every adapter")
    columns = [("id", "integer"), ("_pk_rn", "integer"), ("ts", "integer")]
    write_model(
        project, "fix_reserved", "unique_key='id', merge_order_by='ts'", rows_sql(columns, [(1, 1, 1)])
    )
    result = run(project, "fix_reserved", first=True)
    assert not result.ok
    assert "pipeline_kit.pipeline_kit_merge: fix_reserved:" in result.output, result.tail()
    assert "(got _pk_rn)" in result.output, result.tail()


# -- 5a. merge_lookback_filter with a mixed-case column ----------------------------------------


@pytest.mark.parametrize("quoted", [True, False], ids=["quoted", "unquoted"])
def test_lookback_filter_with_a_mixed_case_column(project: DbtProject, quoted: bool) -> None:
    name = '"UpdatedAt"' if quoted else "UpdatedAt"
    columns = [("id", "integer"), ("val", "varchar(4)"), (name, "integer")]
    model = f"fix_lookback_{'q' if quoted else 'u'}"
    select = (
        "select * from (\n{}\n) as src where {{{{ pipeline_kit.merge_lookback_filter(1, datepart=none) }}}}"
    )
    batches = [
        select.format(rows_sql(columns, [(1, "a", 1), (2, "b", 5)])),
        # id 1's change (2) is newer than its row (1) but before the window (max 5 - 1): not read
        select.format(rows_sql(columns, [(1, "x", 2), (3, "c", 6)])),
    ]
    rows = load(project, model, "unique_key='id', merge_order_by='UpdatedAt'", batches)
    assert sorted((r["id"], r["val"], r["updatedat"]) for r in rows) == [
        ("1", "a", "1"),
        ("2", "b", "5"),
        ("3", "c", "6"),
    ]


# -- 5b / 6. dbt unit tests ----------------------------------------------------------------------

UNIT_MODEL = """
select id, val, ts,
  {{% if pipeline_kit.merge_is_incremental() %}}'inc'{{% else %}}'full'{{% endif %}} as mode
from {{{{ ref('fix_unit_src') }}}}
where {{{{ pipeline_kit.merge_lookback_filter(1, datepart=none{column}) }}}}
"""

UNIT_TESTS = """
unit_tests:
  - name: fix_unit_incremental
    model: fix_unit
    overrides:
      macros:
        is_incremental: true
    given:
      - input: ref('fix_unit_src')
        rows: [{id: 1, val: a, ts: 5}, {id: 2, val: b, ts: 9}]
      - input: this
        rows: [{id: 9, val: z, ts: 10, mode: inc}]
    expect:
      rows: [{id: 2, val: b, ts: 9, mode: inc}]
  - name: fix_unit_package_override
    model: fix_unit
    overrides:
      macros:
        pipeline_kit.merge_is_incremental: true
    given:
      - input: ref('fix_unit_src')
        rows: [{id: 1, val: a, ts: 5}, {id: 2, val: b, ts: 9}]
      - input: this
        rows: [{id: 9, val: z, ts: 10, mode: inc}]
    expect:
      rows: [{id: 2, val: b, ts: 9, mode: inc}]
  - name: fix_unit_full
    model: fix_unit_plain
    given:
      - input: ref('fix_unit_src')
        rows: [{id: 1, val: a, ts: 5}, {id: 2, val: b, ts: 9}]
    expect:
      rows: [{id: 1, val: a, ts: 5, mode: full}, {id: 2, val: b, ts: 9, mode: full}]
"""


def test_unit_tests_see_the_incremental_override(project: DbtProject) -> None:
    if project.target.name == "snowflake":
        pytest.skip(
            "not run on fakesnow (untried there); the macros under test are adapter-independent Jinja"
        )
    models = project.project_dir / "models"
    src_columns = [("id", "integer"), ("val", "varchar(4)"), ("ts", "integer")]
    (models / "fix_unit_src.sql").write_text(
        "{{ config(materialized='table') }}\n" + rows_sql(src_columns, [(1, "a", 1)]) + "\n"
    )
    # an incremental unit test names the column: the test's node does not carry the model config
    config = "unique_key='id', merge_order_by='ts'"
    write_model(project, "fix_unit", config, UNIT_MODEL.format(column=", column='ts'"))
    write_model(project, "fix_unit_plain", config, UNIT_MODEL.format(column=""))
    (models / "fix_unit.yml").write_text(UNIT_TESTS)
    built = project.run("run", "--select", "fix_unit_src", "fix_unit", "fix_unit_plain", "--full-refresh")
    assert built.ok, built.tail()
    result = project.run("test", "--select", "test_type:unit")
    assert result.ok, result.tail()
    assert "PASS=3" in result.output, result.tail()


# -- 7. numbers in merge_delete_values ----------------------------------------------------------


@pytest.mark.parametrize("op_type", ["varchar(4)", "integer"])
def test_numeric_delete_values(project: DbtProject, op_type: str) -> None:
    text = op_type != "integer"
    columns = [("id", "integer"), ("op", op_type), ("val", "varchar(4)"), ("ts", "integer")]
    first = [
        (1, "I" if text else 1, "a", 1),
        (2, "I" if text else 1, "b", 1),
        (3, "I" if text else 1, "c", 1),
    ]
    second = [
        (1, "3" if text else 3, "x", 2),
        (2, "03" if text else 4, "y", 2),
        (3, "2" if text else 2, "z", 2),
    ]
    model = "fix_delete_numbers_" + ("text" if text else "int")
    config = "unique_key='id', merge_order_by='ts', merge_op_column='op', merge_delete_values=[3]"
    for fallback in fallback_cases(project):
        rows = load(
            project,
            model,
            config + (", merge_force_fallback=true" if fallback else ""),
            [rows_sql(columns, first), rows_sql(columns, second)],
        )
        # only the op 3 deletes (as text, '03' is another value)
        assert sorted((r["id"], r["val"]) for r in rows) == [("2", "y"), ("3", "z")], (fallback, rows)


# -- 8. lookback days on a timezone-aware column, in a session with DST --------------------------


def test_lookback_days_are_fixed_hours_on_aware_columns(project: DbtProject) -> None:
    if project.target.name == "snowflake":
        pytest.skip("fakesnow's session time zone is always UTC")
    zone = "TimeZone = " if project.target.name == "duckdb" else "time zone "
    columns = [("id", "integer"), ("val", "varchar(4)"), ("ts", "timestamptz")]
    select = "select * from (\n{}\n) as src where {{{{ pipeline_kit.merge_lookback_filter(1, 'day') }}}}"
    batches = [
        select.format(
            rows_sql(columns, [(1, "a", "2024-03-10 12:00:00+00"), (2, "b", "2024-03-01 00:00:00+00")])
        ),
        # the US DST change is 2024-03-10: key 2's change is 23.5 h before the latest row (read),
        # key 3's 24.5 h (not read)
        select.format(
            rows_sql(columns, [(2, "x", "2024-03-09 12:30:00+00"), (3, "c", "2024-03-09 11:30:00+00")])
        ),
    ]
    config = f"unique_key='id', merge_order_by='ts', pre_hook=\"set {zone}'America/New_York'\""
    rows = load(project, "fix_lookback_dst", config, batches)
    assert sorted((r["id"], r["val"]) for r in rows) == [("1", "a"), ("2", "x")], rows
