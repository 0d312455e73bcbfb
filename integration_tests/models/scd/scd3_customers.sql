-- SCD3 on segment: current value, previous value and when it changed; a late change lands
-- as the previous value; other columns are overwritten (type 1).
{{ config(materialized='scd', scd_type=3, unique_key='id', updated_at='updated_at',
          strategy='check', check_cols='all', scd3_columns=['segment'], tags=['scd_batches']) }}
select
  id,
  name,
  segment,
  country,
  updated_at
from {{ ref('scd3_customers_input') }}
where batch = {{ it_var('scd_batch', 1) }}
