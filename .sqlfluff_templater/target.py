"""Stand-in for dbt's `target` when sqlfluff renders a model with its plain Jinja templater:
the DuckDB target (the dialect sqlfluff lints with)."""

name = "duckdb"
type = "duckdb"  # the attribute of dbt's target
schema = "main"
