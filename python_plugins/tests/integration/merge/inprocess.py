"""Run dbt in this process (no interpreter start-up per batch), for the many short runs of the
property and fault tests. DuckDB files are released after each run so they can be read back."""

from __future__ import annotations

import os
from typing import Any

from ..dbt_harness import DbtProject, DbtResult


def run_inprocess(project: DbtProject, *args: str, dbt_vars: dict[str, Any] | None = None) -> DbtResult:
    from dbt.cli.main import dbtRunner

    target = project.target
    cli_args, env = project.invocation(args, dbt_vars)
    # Switches of an earlier run must not leak into this one (split_vars).
    stale = [key for key in os.environ if key.startswith("PK_VAR_") and key not in env]
    saved = {key: os.environ.get(key) for key in [*env, *stale]}
    for key in stale:
        del os.environ[key]
    os.environ.update(env)
    try:
        result = dbtRunner().invoke(["--quiet", *cli_args])
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if target.name == "duckdb":
            from dbt.adapters.duckdb.connections import DuckDBConnectionManager

            DuckDBConnectionManager.close_all_connections()
    messages = [str(result.exception or "")]
    for node in getattr(result.result, "results", None) or []:
        messages.append(f"{getattr(node, 'status', '')}: {getattr(node, 'message', '')}")
    message = "" if result.success else "\n".join(messages)
    return DbtResult(tuple(cli_args), 0 if result.success else 1, message)
