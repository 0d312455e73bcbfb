-- The rows of contract_merge and contract_scd (ephemeral: inlined into both). The answer calls
-- the session-scoped function their sql_header defines (DuckDB and PostgreSQL; on Snowflake the
-- header is empty and the answer a literal). --vars '{contract_drift: true}' turns label into an
-- integer, against both models' contracts.
{{ config(materialized='ephemeral') }}

select
  cast(v.id as integer) as id,
  cast(v.updated_at as timestamp) as updated_at,
  {% if it_var('contract_drift', false) -%}
    cast(v.id as integer)
  {%- else -%}
    cast(v.label as text)
  {%- endif %} as label,
  cast({{ {'duckdb': 'pk_twice(21)', 'postgres': 'pg_temp.pk_twice(21)'}.get(target.type, '42') }} as integer) as answer
from (values (1, '2024-01-01 00:00:00', 'one'), (2, '2024-01-02 00:00:00', 'two')) as v (id, updated_at, label)
