-- SCD1 with audit columns: latest values win by updated_at (a late, older row never overwrites),
-- last_changed_at moves only when a value changes.
{{ config(materialized='scd', scd_type=1, unique_key='product_id', updated_at='updated_at',
          strategy='check', check_cols='all', tags=['scd_batches']) }}
select
  product_id,
  name,
  price,
  updated_at
from {{ ref('scd1_products_input') }}
where batch = {{ var('scd_batch', 1) }}
