"""The tolerant readers: versions, unknown fields, and bad input that must name the file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline_kit.artifacts import read_catalog, read_manifest, read_run_results, read_sources
from pipeline_kit.artifacts.sources import read_sources_artifact
from pipeline_kit.errors import InputFileError


def _manifest(version: int, **extra: object) -> dict[str, object]:
    return {
        "metadata": {
            "dbt_schema_version": f"https://schemas.getdbt.com/dbt/manifest/v{version}.json",
            **extra,
        },
        "nodes": {
            "model.p.orders": {
                "resource_type": "model",
                "name": "orders",
                "package_name": "p",
                "depends_on": {"nodes": ["source.p.raw.orders"], "macros": ["macro.x"]},
                "config": {"materialized": "incremental", "snowflake_warehouse": "WH_L", "new_option": 1},
                "tags": ["nightly"],
                "original_file_path": "models/orders.sql",
                "brand_new_field": {"nested": [1, 2]},
            },
            "test.p.not_null_orders_id": {
                "resource_type": "test",
                "name": "not_null_orders_id",
                "package_name": "p",
                "depends_on": {"nodes": ["model.p.orders"]},
                "config": {"materialized": "test"},
                "attached_node": "model.p.orders",
            },
        },
        "sources": {
            "source.p.raw.orders": {"resource_type": "source", "name": "orders", "package_name": "p"}
        },
    }


def _write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("version", [4, 5, 6, 7, 8, 9, 10, 11, 12])
def test_manifest_versions_4_to_12_read_the_same_fields(tmp_path: Path, version: int) -> None:
    manifest = read_manifest(_write(tmp_path / "manifest.json", _manifest(version, adapter_type="snowflake")))
    orders = manifest.nodes["model.p.orders"]
    assert manifest.schema_version == version
    assert manifest.newer_than_tested is False
    assert orders.depends_on == ("source.p.raw.orders",)
    assert (orders.materialized, orders.warehouse, orders.tags) == ("incremental", "WH_L", ("nightly",))
    assert manifest.nodes["test.p.not_null_orders_id"].attached_node == "model.p.orders"
    assert manifest.nodes["source.p.raw.orders"].resource_type == "source"
    assert manifest.children()["model.p.orders"] == ["test.p.not_null_orders_id"]
    assert manifest.adapter_type == "snowflake"
    assert manifest.project_name == "p"  # guessed from the models' package when metadata lacks it


def test_newer_manifest_is_read_but_flagged(tmp_path: Path) -> None:
    manifest = read_manifest(_write(tmp_path / "manifest.json", _manifest(13)))
    assert manifest.newer_than_tested is True
    assert "model.p.orders" in manifest.nodes


def test_too_old_manifest_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"manifest.json: manifest schema v3 is too old"):
        read_manifest(_write(tmp_path / "manifest.json", _manifest(3)))


def _run_results(version: int) -> dict[str, object]:
    return {
        "metadata": {
            "dbt_schema_version": f"https://schemas.getdbt.com/dbt/run-results/v{version}.json",
            "invocation_id": "abc",
            "generated_at": "2024-05-01T10:00:05.123456Z",
        },
        "results": [
            {
                "unique_id": "model.p.orders",
                "status": "success",
                "thread_id": "Thread-3",
                "execution_time": 2.5,
                "timing": [
                    {
                        "name": "compile",
                        "started_at": "2024-05-01T10:00:00Z",
                        "completed_at": "2024-05-01T10:00:00.5Z",
                    },
                    {
                        "name": "execute",
                        "started_at": "2024-05-01T10:00:00.5Z",
                        "completed_at": "2024-05-01T10:00:02.5Z",
                    },
                ],
                "adapter_response": {"query_id": "01ab", "rows_affected": 3},
                "failures": None,
                "future_field": True,
            },
            {"unique_id": "test.p.t", "status": "fail", "failures": 4, "timing": [], "execution_time": 0.1},
            {"no_unique_id": True},
        ],
        "elapsed_time": 3.25,
        "args": {"threads": 8, "which": "build"},
    }


@pytest.mark.parametrize("version", [4, 5, 6])
def test_run_results_versions_4_to_6(tmp_path: Path, version: int) -> None:
    results = read_run_results(_write(tmp_path / "run_results.json", _run_results(version)))
    assert (results.schema_version, results.threads, results.command, results.elapsed_time) == (
        version,
        8,
        "build",
        3.25,
    )
    orders, test = results.results  # the entry without unique_id is dropped
    assert orders.compile_s == pytest.approx(0.5)
    assert orders.execute_s == pytest.approx(2.0)
    assert (orders.completed_at - orders.started_at).total_seconds() == pytest.approx(2.5)  # type: ignore[operator]
    assert orders.adapter_response["query_id"] == "01ab"
    assert (test.status, test.failures, test.started_at) == ("fail", 4, None)


def test_truncated_json_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "run_results.json"
    path.write_text(json.dumps(_run_results(6))[:200])
    with pytest.raises(InputFileError) as error:
        read_run_results(path)
    assert str(error.value).startswith(f"{path}: not valid JSON (truncated or corrupt?)")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"name": "some package.json"}', "not a dbt manifest artifact (no metadata.dbt_schema_version)"),
        ("[1, 2, 3]", "not a dbt manifest artifact (the top level is not a JSON object)"),
        ('{"metadata": {"dbt_schema_version": "https://example.com/x.json"}}', "unrecognised schema"),
    ],
)
def test_non_artifacts_are_rejected(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(content)
    with pytest.raises(InputFileError, match=re.escape(problem)):
        read_manifest(path)


def test_the_wrong_kind_of_artifact_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path / "run_results.json", _manifest(12))
    with pytest.raises(InputFileError, match="is a dbt manifest artifact, expected run_results"):
        read_run_results(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="file not found"):
        read_manifest(tmp_path / "nope.json")


def test_sources_and_catalog(tmp_path: Path) -> None:
    sources = _write(
        tmp_path / "sources.json",
        {
            "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/sources/v3.json"},
            "results": [
                {"unique_id": "source.p.raw.orders", "status": "warn", "max_loaded_at_time_ago_in_s": 7200.0}
            ],
        },
    )
    assert [(s.unique_id, s.status, s.max_loaded_at_time_ago_in_s) for s in read_sources(sources)] == [
        ("source.p.raw.orders", "warn", 7200.0)
    ]
    catalog = _write(
        tmp_path / "catalog.json",
        {
            "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/catalog/v1.json"},
            "nodes": {
                "model.p.orders": {
                    "metadata": {"type": "BASE TABLE"},
                    "stats": {
                        "row_count": {"value": 42, "include": True},
                        "num_bytes": {"value": 1024, "include": True},
                    },
                }
            },
        },
    )
    entry = read_catalog(catalog)["model.p.orders"]
    assert (entry.relation_type, entry.row_count, entry.num_bytes) == ("BASE TABLE", 42.0, 1024.0)


def test_lists_of_the_wrong_type_read_as_empty(tmp_path: Path) -> None:
    """A `timing` or a sources `results` that is not a list (found by mutating real artifacts:
    `timing: 1e20` ended `pipeline-kit analyze` in a TypeError) reads as no entries."""
    data = _run_results(6)
    data["results"][0]["timing"] = 10**20  # type: ignore[index]
    orders = read_run_results(_write(tmp_path / "run_results.json", data)).results[0]
    assert (orders.unique_id, orders.timing, orders.started_at) == ("model.p.orders", (), None)
    sources = {
        "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/sources/v3.json"},
        "results": 5,
    }
    assert read_sources(_write(tmp_path / "sources.json", sources)) == ()


def test_an_absurd_thread_count_is_an_input_error(tmp_path: Path) -> None:
    """`args.threads: 1e20` made the analysis lay out an idle lane per thread (it never ended)."""
    data = _run_results(6)
    data["args"] = {"threads": 10**20, "which": "build"}
    with pytest.raises(
        InputFileError, match=r"run_results.json: args.threads is 100000000000000000000, more than"
    ):
        read_run_results(_write(tmp_path / "run_results.json", data))
    data["args"] = {"threads": 0, "which": "build"}
    assert read_run_results(_write(tmp_path / "run_results.json", data)).threads is None


def test_unit_tests_exposures_and_saved_queries_are_read(tmp_path: Path) -> None:
    """dbt 1.8+ lists unit tests (and 1.10+ exposures) in run_results.json; the reader kept only
    nodes, sources and seeds, so `dbt test --select test_type:unit` stopped with "the two files
    come from different projects" and every build warned about 2 "deleted" nodes."""
    data = _manifest(12)
    data["unit_tests"] = {
        "unit_test.p.orders.ut_orders": {
            "resource_type": "unit_test",
            "name": "ut_orders",
            "package_name": "p",
            "model": "orders",
            "depends_on": {"nodes": ["model.p.orders"], "macros": []},
        }
    }
    data["exposures"] = {
        "exposure.p.dashboard": {
            "resource_type": "exposure",
            "name": "dashboard",
            "depends_on": {"nodes": ["model.p.orders"]},
        }
    }
    data["metrics"] = {
        "metric.p.revenue": {"name": "revenue", "depends_on": {"nodes": ["semantic_model.p.o"]}}
    }
    data["semantic_models"] = {
        "semantic_model.p.o": {"name": "o", "depends_on": {"nodes": ["model.p.orders"]}}
    }
    data["saved_queries"] = {"saved_query.p.q": {"name": "q", "depends_on": {"nodes": ["metric.p.revenue"]}}}
    nodes = read_manifest(_write(tmp_path / "manifest.json", data)).nodes
    unit_test = nodes["unit_test.p.orders.ut_orders"]
    assert (unit_test.resource_type, unit_test.name, unit_test.depends_on) == (
        "unit_test",
        "ut_orders",
        ("model.p.orders",),
    )
    assert nodes["exposure.p.dashboard"].depends_on == ("model.p.orders",)
    # types from the section when an entry lacks one
    assert [
        nodes[uid].resource_type for uid in ("metric.p.revenue", "semantic_model.p.o", "saved_query.p.q")
    ] == [
        "metric",
        "semantic_model",
        "saved_query",
    ]


def test_sources_json_names_the_invocation_that_wrote_it(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "sources.json",
        {
            "metadata": {
                "dbt_schema_version": "https://schemas.getdbt.com/dbt/sources/v3.json",
                "invocation_id": "freshness-1",
            },
            "results": [{"unique_id": "source.p.raw.orders", "status": "pass"}],
        },
    )
    artifact = read_sources_artifact(path)
    assert (artifact.invocation_id, [s.unique_id for s in artifact.results]) == (
        "freshness-1",
        ["source.p.raw.orders"],
    )
    assert read_sources(path) == artifact.results


@pytest.mark.parametrize(
    ("which", "invocation_command", "command"),
    [
        ("build", "dbt retry", "retry"),
        ("build", "/home/ci/.venv/bin/dbt --log-format json retry --target prod", "retry"),
        ("run", r"C:\tools\dbt.exe retry", "retry"),
        ("build", "dbt build --select retry", "build"),  # a node called retry
        ("build", "dbt --log-format json build", "build"),
        ("build", "", "build"),  # dbt before 1.5 wrote no invocation_command
        ("build", "dbt retry 'unbalanced", "retry"),
        ("run", "dbt --mode nightly", "run"),  # dbtRunner in another program: "dbt" + its argv
    ],
)
def test_a_retry_is_told_from_the_command_it_retried(
    tmp_path: Path, which: str, invocation_command: str, command: str
) -> None:
    """`dbt retry` writes args.which of the command it retried: only invocation_command says retry."""
    data = _run_results(6)
    data["args"] = {"which": which, "invocation_command": invocation_command}
    results = read_run_results(_write(tmp_path / "run_results.json", data))
    assert (results.command, results.which) == (command, which)
