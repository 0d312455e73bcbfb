-- The rows of catalog_merge and catalog_scd (ephemeral: inlined into both).
{{ config(materialized='ephemeral') }}

select
  cast(v.id as integer) as id,
  cast(v.updated_at as timestamp) as updated_at,
  cast(v.label as varchar) as label
from (values (1, '2024-01-01 00:00:00', 'one'), (2, '2024-01-02 00:00:00', 'two')) as v (id, updated_at, label)
