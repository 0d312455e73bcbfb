-- SCD2, check strategy on status only: a NULL inside the composite key (dbt-core #11950), NULL ->
-- value and value -> NULL changes (#11235), and `note` as a type-1 column overwritten in place.
{{ config(materialized='scd', scd_type=2, unique_key=['region', 'code'], updated_at='updated_at',
          strategy='check', check_cols=['status'], tags=['scd_batches']) }}
select
  region,
  code,
  status,
  note,
  updated_at
from {{ ref('scd2_nullkey_input') }}
where batch = {{ it_var('scd_batch', 1) }}
