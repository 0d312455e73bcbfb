-- Bad-config case 08: disabled unless the SCD suite passes var scd_bad_config (a list of configs).
{{ config(materialized='scd', enabled=(var('scd_bad_config', []) | length) >= 8, **(var('scd_bad_config', [])[8 - 1] if (var('scd_bad_config', []) | length) >= 8 else {})) }}
select
  id,
  name,
  tier,
  updated_at
from {{ ref('scd2_multi_input') }}
