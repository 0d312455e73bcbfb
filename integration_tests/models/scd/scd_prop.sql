-- Property-test target (enabled by var scd_prop): SCD2 over a raw table the pytest suite writes,
-- composite NULL-able key, check strategy on val.
{{ config(materialized='scd', enabled=it_var('scd_prop', false), scd_type=2, unique_key=['k1', 'k2'],
          updated_at='updated_at', strategy='check', check_cols=['val']) }}
select
  k1,
  k2,
  val,
  updated_at
from {{ it_var('scd_prop_schema', 'main') }}.scd_prop_input
