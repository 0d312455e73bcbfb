-- pipeline_kit_merge with dbt's incremental_predicates: only target rows updated on or after
-- 2024-01-04 and not closed take part in the match, as in dbt's merge. --vars
-- merge_predicates_batch picks the batch (test_merge_predicates.py): 1 loads three keys, 2 changes
-- key 1 (its stored row is outside the predicates, so the change is inserted beside it), changes
-- key 3 (inside: updated) and adds key 4, 3 closes key 3 (matched before the update, so updated,
-- not inserted again, although the update moves it out of the predicates).
-- --vars merge_force_fallback takes the delete / update / insert path.
{{ config(
    materialized='pipeline_kit_merge',
    unique_key='id',
    merge_order_by='updated_at',
    incremental_predicates=[
      "DBT_INTERNAL_DEST.updated_at >= cast('2024-01-04 00:00:00' as timestamp)",
      "DBT_INTERNAL_DEST.label <> 'closed'"
    ],
    merge_force_fallback=it_var('merge_force_fallback', false),
    tags=['merge_batches']
) }}

select
  cast(v.id as integer) as id,
  cast(v.updated_at as timestamp) as updated_at,
  cast(v.label as text) as label
from (
  {% if it_var('merge_predicates_batch', 1) | int == 1 -%}
    values (1, '2024-01-01 00:00:00', 'a'), (2, '2024-01-05 00:00:00', 'a'), (3, '2024-01-09 00:00:00', 'a')
  {%- elif it_var('merge_predicates_batch') | int == 2 -%}
    values (1, '2024-01-10 00:00:00', 'b'), (3, '2024-01-10 00:00:00', 'b'), (4, '2024-01-10 00:00:00', 'b')
  {%- else -%}
    values (3, '2024-01-11 00:00:00', 'closed')
  {%- endif %}
) as v (id, updated_at, label)
