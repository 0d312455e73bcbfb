-- Customer history (SCD2): one row per version with valid_from / valid_to / is_current.
-- Each run loads the current CDC batch; the first build (or a full refresh) loads every batch
-- so far, which gives the same history because versions are ordered by updated_at.
{{ config(materialized='scd', scd_type=2, unique_key='customer_id', updated_at='updated_at',
          strategy='check', check_cols=['customer_name', 'email', 'country', 'segment']) }}
select
  customer_id,
  customer_name,
  email,
  country,
  segment,
  updated_at
from {{ ref('stg_customers') }}
where batch_id {{ '=' if pipeline_kit.scd_loaded() else '<=' }} {{ var('demo_batch') }}
