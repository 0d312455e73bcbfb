-- pipeline_kit SCD2 (timestamp strategy) over the benchmark's batch table (var src).
{{ config(materialized='scd', scd_type=2, unique_key='id', updated_at='updated_at') }}
select
  id,
  name,
  tier,
  amount,
  updated_at
from {{ target.schema }}.{{ var('src', 'bench_base') }}
