-- SCD2, timestamp strategy: two changes of one key in a batch, a late change, a re-sent row.
{{ config(materialized='scd', scd_type=2, unique_key='id', updated_at='updated_at', tags=['scd_batches']) }}
select
  id,
  name,
  tier,
  updated_at
from {{ ref('scd2_multi_input') }}
where batch = {{ var('scd_batch', 1) }}
