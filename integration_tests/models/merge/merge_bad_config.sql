-- Bad-configuration cases: the test passes a config through --vars merge_bad_config; off otherwise.
{%- set bad_config = it_var('merge_bad_config', {}) %}
{{ config(
    enabled=it_var('merge_bad_enabled', false),
    materialized='pipeline_kit_merge',
    **(bad_config if bad_config is mapping else {})
) }}

select
  1 as id,
  cast('2024-01-01 00:00:00' as timestamp) as updated_at,
  'I' as op,
  10 as amount
