-- SCD1 with audit columns: latest values win by updated_at (a late, older row never overwrites),
-- last_changed_at moves only when a value changes. A unique index on the key (dbt's `indexes`
-- config): the warehouse checks there is one row per key.
{{ config(materialized='scd', scd_type=1, unique_key='product_id', updated_at='updated_at',
          strategy='check', check_cols='all', tags=['scd_batches'],
          indexes=[{'columns': ['product_id'], 'unique': true}]) }}
select
  product_id,
  name,
  price,
  updated_at
from {{ ref('scd1_products_input') }}
where batch = {{ it_var('scd_batch', 1) }}
