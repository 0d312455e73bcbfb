-- SCD2 on a timezone-aware change column (dbt-core #10234): versions are ordered by the instant,
-- and valid_from / valid_to are that instant in UTC without a zone, whatever the session zone.
{{ config(materialized='scd', scd_type=2, unique_key='id', updated_at='updated_at', tags=['scd_batches']) }}
select
  id,
  val,
  cast(updated_at_text as timestamptz) as updated_at  -- TIMESTAMPTZ is TIMESTAMP_TZ on Snowflake
from {{ ref('scd2_tz_input') }}
where batch = {{ it_var('scd_batch', 1) }}
