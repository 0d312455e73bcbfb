-- Score per invocation and dimension: passing rows / evaluated rows, with history;
-- is_latest marks the newest invocation.
{{ config(enabled=var('pipeline_kit_enable_models', false)) }}

with summed as (
  select
    invocation_id,
    max(run_started_at) as run_started_at,
    dimension,
    sum(rules) as rules,
    sum(failing_rules) as failing_rules,
    sum(failing_rows) as failing_rows,
    sum(evaluated_rows) as evaluated_rows
  from {{ ref('pipeline_kit_quality_scores') }}
  group by invocation_id, dimension
)

select
  invocation_id,
  run_started_at,
  dimension,
  rules,
  failing_rules,
  failing_rows,
  evaluated_rows,
  evaluated_rows - failing_rows as passing_rows,
  case when evaluated_rows > 0 then cast(evaluated_rows - failing_rows as double precision) / evaluated_rows end as score,
  run_started_at = max(run_started_at) over () as is_latest
from summed
