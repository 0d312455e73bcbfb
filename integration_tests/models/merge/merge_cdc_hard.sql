-- noqa: disable=LT02
-- (layout: the Jinja-conditional columns / generated rows cannot be indented the way LT02 reads them)
-- CDC feed loaded batch by batch with pipeline_kit_merge (hard deletes). The pytest driver runs
-- batches 1..5 (--vars merge_batch); a plain build loads everything up to batch 5 in one go.
-- Its pipeline_kit settings sit under `meta` (merge_cdc_soft keeps them at the top of the config):
-- both are read, and `meta` spares dbt 1.10+'s CustomKeyInConfigDeprecation on Snowflake.
{{ config(
    materialized='pipeline_kit_merge',
    unique_key=['tenant', 'order_id'],
    meta={
        'merge_order_by': 'updated_at',
        'merge_op_column': 'op',
        'merge_delete_values': ['D', 'delete'],
        'merge_delete_mode': 'hard',
        'merge_force_fallback': it_var('merge_force_fallback', false)
    },
    on_schema_change='append_new_columns',
    post_hook=([it_var('merge_fault_sql')] if it_var('merge_fault_sql', '') else []),
    tags=['merge_batches']
) }}
{%- set batch = it_var('merge_batch', 5) | int %}

select
  tenant,
  order_id,
  status,
  amount,
  updated_at,
  {%- if batch >= 5 %}
  channel,
  {%- endif %}
  op
from {{ ref('merge_cdc_events') }}
where
  batch_id <= {{ batch }}
  and ({{ pipeline_kit.merge_lookback_filter(2, 'day') }})
  -- fault injection (tests only): a cast that fails on one row of the batch
  and {% if it_var('merge_fault_cast', false) %}cast(case when order_id = 4 then 'not a number' else '1' end as integer) = 1{% else %}true{% endif %}
