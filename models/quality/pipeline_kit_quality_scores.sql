-- Score per invocation, model and dimension: passing rows / evaluated rows over every recorded
-- rule (pipeline_kit tests and mapped dbt built-ins). History: one row per invocation.
{#- Disabled unless the var is true (the var also gates the project-level config). -#}
{{ config(enabled=var('pipeline_kit_enable_models', false), pre_hook="{{ pipeline_kit._quality_results_create_sql() }}") }}

with results as (
  select * from {{ pipeline_kit.quality_results_relation() }} -- noqa: PRS
),

per_model_dimension as (
  select
    invocation_id,
    max(run_started_at) as run_started_at,
    model_name,
    dimension,
    count(*) as rules,
    sum(is_failing) as failing_rules,
    sum(least(failing_rows, evaluated_rows)) as failing_rows,
    sum(evaluated_rows) as evaluated_rows
  from results
  group by invocation_id, model_name, dimension
)

select
  invocation_id,
  run_started_at,
  model_name,
  dimension,
  rules,
  failing_rules,
  failing_rows,
  evaluated_rows,
  evaluated_rows - failing_rows as passing_rows,
  case when evaluated_rows > 0 then cast(evaluated_rows - failing_rows as double precision) / evaluated_rows end as score
from per_model_dimension
