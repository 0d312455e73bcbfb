-- noqa: disable=LT02
-- (layout: the Jinja-conditional columns / generated rows cannot be indented the way LT02 reads them)
-- CDC feed loaded batch by batch with pipeline_kit_merge (soft deletes). The pytest driver runs
-- batches 1..5 (--vars merge_batch); a plain build loads everything up to batch 5 in one go.
{{ config(
    materialized='pipeline_kit_merge',
    unique_key=['tenant', 'order_id'],
    merge_order_by='updated_at',
    merge_op_column='op',
    merge_delete_values=['D', 'delete'],
    merge_delete_mode='soft',
    merge_force_fallback=it_var('merge_force_fallback', false),
    on_schema_change='append_new_columns',
    indexes=[{'columns': ['tenant', 'order_id'], 'unique': true}],
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
