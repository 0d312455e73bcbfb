-- Current products (SCD1): latest values overwrite, with first_seen_at / last_changed_at.
{{ config(materialized='scd', scd_type=1, unique_key='product_id', updated_at='updated_at',
          strategy='check', check_cols='all') }}
select
  product_id,
  product_name,
  category,
  unit_price,
  updated_at
from {{ ref('stg_products') }}
where batch_id {{ '=' if pipeline_kit.scd_loaded() else '<=' }} {{ var('demo_batch') }}
