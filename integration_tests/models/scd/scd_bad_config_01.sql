-- Bad-config case 01: disabled unless the SCD suite passes var scd_bad_config (a list of configs).
{%- set cases = it_var('scd_bad_config', []) -%}
{%- set case = cases[1 - 1] if cases is not string and cases | length >= 1 else {} -%}
{{ config(materialized='scd', enabled=(case | length > 0), **case) }}
select
  id,
  name,
  tier,
  updated_at
from {{ ref('scd2_multi_input') }}
