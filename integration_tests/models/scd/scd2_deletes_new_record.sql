-- SCD2 over a full snapshot with hard_deletes=new_record: a deleted key is recorded once (not
-- re-inserted on every later run, dbt-adapters #654) and a key that re-appears gets a new version.
-- Var scd_max_deleted_ratio sets max_deleted_ratio (test_scd_hard_delete_safety.py). The scd
-- settings sit under `meta` (the other scd models keep them at the top of the config).
{{ config(materialized='scd', unique_key='id', tags=['scd_batches'],
          meta={'scd_type': 2, 'updated_at': 'updated_at', 'hard_deletes': 'new_record',
                'load_timestamp': "'2024-02-0" ~ it_var('scd_batch', 1) ~ " 00:00:00'",
                'max_deleted_ratio': it_var('scd_max_deleted_ratio', none)}) }}
select
  id,
  val,
  updated_at
from {{ ref('scd2_deletes_input') }}
where batch = {{ it_var('scd_batch', 1) }}
