"""pipeline_kit coexists with dbt_utils and dbt_expectations in one project.

Package macros are namespaced (`pipeline_kit.date_spine` vs `dbt_utils.date_spine`), but two kinds of
name are looked up across every installed package: generic tests written without a package prefix
(`- recency:` in a schema file) and materializations (`materialized='...'`). If pipeline_kit defined
one of those under a name dbt_utils, dbt_expectations or dbt itself already uses, dbt would pick one
of them by package order, silently. These tests read the package's own SQL and fail on such a name.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
BLOCK = re.compile(r"\{%-?\s*(macro|test|materialization)\s+([A-Za-z0-9_]+)")
DISPATCH = re.compile(r"adapter\.dispatch\(\s*'([^']+)'\s*(?:,\s*'([^']*)')?\s*\)")

# Generic tests and materializations shipped by dbt-core itself.
DBT_CORE_GLOBAL = {"unique", "not_null", "accepted_values", "relationships"} | {
    "table",
    "view",
    "incremental",
    "ephemeral",
    "seed",
    "snapshot",
    "test",
    "unit",
    "materialized_view",
}
# Generic tests and materializations of dbt_utils (1.x, including names kept for compatibility).
DBT_UTILS_GLOBAL = {
    "accepted_range",
    "at_least_one",
    "cardinality_equality",
    "equal_rowcount",
    "equality",
    "expression_is_true",
    "fewer_rows_than",
    "mutually_exclusive_ranges",
    "not_accepted_values",
    "not_constant",
    "not_empty_string",
    "not_null_proportion",
    "not_null_where",
    "recency",
    "relationships_where",
    "sequential_values",
    "unique_combination_of_columns",
    "unique_where",
    "insert_by_period",
}
# Every generic test of dbt_expectations is named expect_*.
DBT_EXPECTATIONS_PREFIX = "expect_"


def package_blocks() -> list[tuple[str, str, Path]]:
    found = []
    for folder in ("macros", "tests"):
        for path in sorted((REPO_ROOT / folder).rglob("*.sql")):
            found.extend((kind, name, path) for kind, name in BLOCK.findall(path.read_text()))
    return found


def test_the_package_defines_tests_and_materializations() -> None:
    kinds = {kind for kind, _, _ in package_blocks()}
    assert kinds == {"macro", "test", "materialization"}, kinds


def test_no_global_name_clashes_with_dbt_dbt_utils_or_dbt_expectations() -> None:
    clashes = [
        f"{kind} {name} ({path.relative_to(REPO_ROOT)})"
        for kind, name, path in package_blocks()
        if kind in {"test", "materialization"}
        and (
            name in DBT_CORE_GLOBAL | DBT_UTILS_GLOBAL
            or name.startswith(DBT_EXPECTATIONS_PREFIX)
            or name.startswith("test_")
        )
    ]
    assert not clashes, "names looked up across packages must be our own: " + ", ".join(clashes)


def test_names_are_defined_once() -> None:
    seen: dict[tuple[str, str], Path] = {}
    duplicates = []
    for kind, name, path in package_blocks():
        if (kind, name) in seen:
            duplicates.append(f"{kind} {name}: {seen[(kind, name)].name} and {path.name}")
        seen[(kind, name)] = path
    assert not duplicates, duplicates


def test_every_dispatch_uses_the_pipeline_kit_namespace() -> None:
    # Dispatching without our namespace (or into dbt_utils') would let another package's
    # implementation answer for ours.
    wrong = []
    for path in sorted((REPO_ROOT / "macros").rglob("*.sql")):
        for name, namespace in DISPATCH.findall(path.read_text()):
            if namespace != "pipeline_kit":
                wrong.append(f"{path.relative_to(REPO_ROOT)}: dispatch({name!r}, {namespace!r})")
    assert not wrong, wrong


def test_every_public_macro_dispatches() -> None:
    # A public macro dispatches so a project can override it per adapter (dbt-utils' pattern).
    public = {
        (name, path)
        for kind, name, path in package_blocks()
        if kind == "macro" and not name.startswith("_") and "__" not in name
    }
    assert {name for name, _ in public} >= {"date_spine", "deduplicate", "store_quality_results"}
    missing = sorted(
        f"{name} ({path.relative_to(REPO_ROOT)})"
        for name, path in public
        if (name, "pipeline_kit") not in set(DISPATCH.findall(path.read_text()))
    )
    assert not missing, "public macros without adapter.dispatch: " + ", ".join(missing)
