-- SCD2, timestamp strategy: two changes of one key in a batch, a late change, a re-sent row.
-- var scd_inject_fault makes a post-hook fail after the rows were replaced, inside the transaction.
{{ config(materialized='scd', scd_type=2, unique_key='id', updated_at='updated_at', tags=['scd_batches'],
          post_hook=["select " ~ ("cast('injected fault' as integer)" if it_var('scd_inject_fault', false) else "1")]) }}
select
  id,
  name,
  tier,
  updated_at
from {{ ref('scd2_multi_input') }}
where batch = {{ it_var('scd_batch', 1) }}
