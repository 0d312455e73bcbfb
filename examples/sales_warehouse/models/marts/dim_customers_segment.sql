-- Customer segment as SCD3: the current segment, the previous one and when it changed
-- (previous_segment, segment_changed_at); other attributes are overwritten.
{{ config(materialized='scd', scd_type=3, unique_key='customer_id', updated_at='updated_at',
          strategy='check', check_cols=['segment'], scd3_columns=['segment']) }}
select
  customer_id,
  customer_name,
  segment,
  updated_at
from {{ ref('stg_customers') }}
where batch_id {{ '=' if pipeline_kit.scd_loaded() else '<=' }} {{ var('demo_batch') }}
