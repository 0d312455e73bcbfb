"""Fixtures for the dbt integration suite: one warehouse target per adapter per session."""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .dbt_harness import (
    INTEGRATION_PROJECT,
    REPO_ROOT,
    AdapterTarget,
    DbtProject,
    drop_postgres_schema,
    make_target,
    postgres_reachable,
)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_adapter(name: str) -> None:
    """Skip an adapter that cannot run here, with the reason; in CI nothing may be skipped."""
    if name != "postgres":
        return
    reachable, reason = postgres_reachable()
    if reachable:
        return
    if in_ci():
        pytest.fail(f"CI=true requires PostgreSQL: {reason}. .ci/run should have started it.")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def adapter_targets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, AdapterTarget]]:
    targets: dict[str, AdapterTarget] = {}
    yield targets
    for target in targets.values():
        if target.name == "postgres":
            drop_postgres_schema(target.schema)


def project_for(name: str, targets: dict[str, AdapterTarget], tmp_root: Path) -> DbtProject:
    require_adapter(name)
    if name not in targets:
        target = make_target(name, tmp_root / name)
        target.workdir.mkdir(parents=True, exist_ok=True)
        # pytest-xdist workers share the project's dbt_packages: `dbt deps` replaces the package's
        # symlink, and a dbt run of another worker reading macros meanwhile fails (file not
        # found). So deps runs once, under a lock, only while the link does not reach this repo.
        installed = INTEGRATION_PROJECT / "dbt_packages" / "pipeline_kit"
        with open(Path(tempfile.gettempdir()) / "pipeline_kit_dbt_deps.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (installed.is_symlink() and installed.resolve() == REPO_ROOT.resolve()):
                deps = DbtProject(target).deps()
                assert deps.ok, f"dbt deps failed on {name}:\n{deps.tail()}"
        targets[name] = target
    return DbtProject(targets[name])


@pytest.fixture(scope="session")
def tmp_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dbt_targets")


@pytest.fixture(params=["duckdb", "postgres", "snowflake"])
def dbt_project(
    request: pytest.FixtureRequest, adapter_targets: dict[str, AdapterTarget], tmp_root: Path
) -> DbtProject:
    """The integration project on each adapter in turn (skips postgres only outside CI)."""
    return project_for(str(request.param), adapter_targets, tmp_root)


@pytest.fixture
def duckdb_project(adapter_targets: dict[str, AdapterTarget], tmp_root: Path) -> DbtProject:
    return project_for("duckdb", adapter_targets, tmp_root)
