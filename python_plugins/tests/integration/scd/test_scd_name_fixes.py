"""Column and model names `scd` mishandled, found by the 2026-12-07 review, each failing before:

- a data column named like a scratch column (`_pk_key`, `_pk_hash`) took its place: on DuckDB the
  key hash became the data value (two current rows for one key); PostgreSQL failed ("ambiguous");
- columns whose names differ only by case (PostgreSQL): the last one won the lookup, so the key
  could be the wrong column (a key's versions lost);
- generated names were not checked against each other or against SCD3's derived names: DuckDB
  renamed one (`status_changed_at_1`) and every later load failed; PostgreSQL failed raw;
- an SCD3 derived name over PostgreSQL's 63 bytes was cut on the first load, so every later load
  missed it;
- a multi-byte model name of 60 bytes gave every scratch table one name on PostgreSQL;
- valid input was refused: an SCD1 model with a `valid_from` column, an SCD2 model with an
  `is_deleted` column when `hard_deletes` is not `new_record` (neither generates those).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..dbt_harness import AdapterTarget
from ..merge.warehouse import as_multiset, read_table
from .mini_project import mini_project

pytestmark = pytest.mark.integration

TS = "cast('2024-01-0{{ var('b', 1) }}' as timestamp)"


def _scd(config: str, select: str) -> str:
    return (
        f"{{{{ config(materialized='scd', unique_key='id', updated_at='u', {config}) }}}}\nselect {select}\n"
    )


REFUSED = {
    "nf_pk_key.sql": (
        _scd("scd_type=2", f"1 as id, {TS} as u, 'v' as _pk_key"),
        ["nf_pk_key:", "column names starting with _pk_ are reserved", "(got _pk_key)"],
    ),
    "nf_scd3_derived.sql": (
        _scd(
            "scd_type=3, scd3_columns=['status']",
            f"1 as id, {TS} as u, 'a' as status, {TS} as status_changed_at",
        ),
        ["nf_scd3_derived:", "generated `changed-at of status` column", "(got status_changed_at)"],
    ),
    "nf_same_generated.sql": (
        _scd(
            "scd_type=2, scd_column_names={'valid_from': 'x_at', 'valid_to': 'x_at'}",
            f"1 as id, {TS} as u, 'a' as v",
        ),
        ["nf_same_generated:", "two generated columns would have one name", "(got x_at)"],
    ),
    "nf_scd3_last.sql": (
        _scd("scd_type=3, scd3_columns=['last']", f"1 as id, {TS} as u, 'a' as last"),
        ["nf_scd3_last:", "two generated columns would have one name", "(got last_changed_at)"],
    ),
}
LONG_ATTRIBUTE = "customer_segment_assigned_by_the_regional_sales_team_x"  # 54: + "_changed_at" = 65
PG_REFUSED = {
    "nf_twins.sql": (
        _scd("scd_type=2", f"""1 as id, 'x' as "ID", {TS} as u"""),
        ["nf_twins:", "differ only by case", "(got id, ID)"],
    ),
    "nf_long_scd3.sql": (
        _scd(
            f"scd_type=3, scd3_columns=['{LONG_ATTRIBUTE}']", f"1 as id, {TS} as u, 'a' as {LONG_ATTRIBUTE}"
        ),
        ["nf_long_scd3:", "longer than PostgreSQL's 63 bytes", f"(got {LONG_ATTRIBUTE}_changed_at)"],
    ),
}


@pytest.mark.parametrize("adapter", ["duckdb", "postgres"])
def test_name_clashes_are_refused_naming_the_column(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    cases = {**REFUSED, **(PG_REFUSED if adapter == "postgres" else {})}
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, {k: v[0] for k, v in cases.items()})
    result = project.run("run")
    assert f"ERROR={len(cases)}" in result.output, result.tail(60)
    for name, (_, fragments) in cases.items():
        for fragment in fragments:
            assert fragment in result.output, f"{adapter} {name}: {fragment!r} missing:\n{result.tail(60)}"


ACCEPTED = {
    "nf_scd1_valid_from.sql": _scd(
        "scd_type=1", f"1 as id, {TS} as u, 'v{{{{ var('b', 1) }}}}' as valid_from"
    ),
    "nf_scd2_is_deleted.sql": _scd(
        "scd_type=2", f"1 as id, {TS} as u, {{{{ var('b', 1) }}}} = 2 as is_deleted"
    ),
}


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_columns_named_like_generated_ones_of_other_types_are_data(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, ACCEPTED)
    for batch in (1, 2):
        result = project.run("run", "--vars", f"{{b: {batch}}}")
        assert result.ok, f"batch {batch} on {adapter}:\n{result.tail()}"
    assert as_multiset(read_table(project, "nf_scd1_valid_from"), ["id", "valid_from"]) == [("1", "v2")]
    versions = as_multiset(read_table(project, "nf_scd2_is_deleted"), ["id", "is_deleted", "is_current"])
    assert versions == [("1", "false", "false"), ("1", "true", "true")]


MULTI_BYTE = "顧客" * 10  # 20 characters, 60 bytes


def test_a_multi_byte_model_name_on_postgres(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    model = _scd(f"scd_type=2, alias='{MULTI_BYTE}'", f"1 as id, {TS} as u, 'v{{{{ var('b', 1) }}}}' as v")
    project = mini_project("postgres", adapter_targets, tmp_root, tmp_path, {"nf_multi_byte.sql": model})
    for batch in (1, 2):
        result = project.run("run", "--vars", f"{{b: {batch}}}")
        assert result.ok, f"batch {batch}:\n{result.tail()}"
    assert as_multiset(read_table(project, MULTI_BYTE), ["id", "v", "is_current"]) == [
        ("1", "v1", "false"),
        ("1", "v2", "true"),
    ]
