"""Artifacts written by real dbt-core runs (1.5, 1.7, 1.8, 1.9, 1.10, 1.11) of fixtures/artifacts/project.

The project: 2 seeds, 5 models, 7 tests, `dbt build --threads 4`, one accepted_values test fails.
Timings differ per run, so we assert on structure and on invariants that must hold for any run.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from pipeline_kit.analyze import analyze_run, load_run

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "artifacts"
VERSIONS = {  # directory: (dbt version prefix, manifest schema, run_results schema)
    "dbt_1_5": ("1.5.", 9, 4),
    "dbt_1_7": ("1.7.", 11, 5),
    "dbt_1_8": ("1.8.", 12, 6),
    "dbt_1_9": ("1.9.", 12, 6),
    "dbt_1_10": ("1.10.", 12, 6),
    "dbt_1_11": ("1.11.", 12, 6),
}
PROJECT = "analyzer_fixture"


@pytest.mark.parametrize("directory", sorted(VERSIONS))
def test_real_artifacts_read_and_analyze(directory: str) -> None:
    version, manifest_schema, run_results_schema = VERSIONS[directory]
    run = load_run(FIXTURES / directory)
    assert run.run_results.dbt_version.startswith(version)
    assert (run.manifest.schema_version, run.run_results.schema_version) == (
        manifest_schema,
        run_results_schema,
    )
    assert run.manifest.project_name == PROJECT
    assert run.manifest.adapter_type == "duckdb"
    assert run.warnings == ()
    assert len(run.catalog) >= 7  # seeds and models (views and tables)

    analysis = analyze_run(run)
    assert run.catalog[f"model.{PROJECT}.customer_orders"].relation_type == "BASE TABLE"
    assert run.catalog[f"model.{PROJECT}.stg_orders"].relation_type == "VIEW"
    types = [n.resource_type for n in analysis.timeline.nodes]
    assert (types.count("seed"), types.count("model"), types.count("test")) == (2, 5, 7)
    failed = analysis.nodes_with_status("fail")
    assert [n.name for n in failed] == [
        n.name for n in failed if n.name.startswith("accepted_values_shipped")
    ]
    assert len(failed) == 1
    assert analysis.timeline.thread_count == 4
    assert len({n.thread_id for n in analysis.timeline.nodes}) > 1

    # Invariants of any real run.
    wall = analysis.timeline.wall_s
    assert 0 < wall <= (run.run_results.elapsed_time or 0)
    assert 0 < analysis.timeline.utilization <= 1
    assert 1 <= analysis.timeline.peak_parallelism <= 4
    path = analysis.critical_path.nodes
    assert path[0].startswith("seed.")
    assert all(parent in analysis.graph.parents[child] for parent, child in itertools.pairwise(path))
    assert analysis.critical_path.length_s >= max(n.execution_s for n in analysis.timeline.nodes)
    assert analysis.critical_path.length_s <= wall + 0.05
    assert 0 < analysis.critical_path.share_of_wall <= 1

    # `dbt build` made customer_orders wait for the tests on stg_customers.
    parents = analysis.graph.parents[f"model.{PROJECT}.customer_orders"]
    assert f"model.{PROJECT}.stg_customers" in parents
    assert any(p.startswith(f"test.{PROJECT}.unique_stg_customers_customer_id") for p in parents)
