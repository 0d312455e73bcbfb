-- Current state of every order, loaded from the CDC feed with pipeline_kit_merge: each run takes
-- only the current batch; the merge keeps the latest change per order by event time (a late,
-- older change never overrides a newer one) and hard-deletes orders whose change is a delete.
{{ config(
    materialized='pipeline_kit_merge',
    unique_key='order_id',
    merge_order_by='last_changed_at',
    merge_op_column='op',
    merge_delete_values=['D'],
    merge_delete_mode='hard'
) }}

select
  order_id,
  customer_id,
  product_id,
  quantity,
  unit_price,
  line_total,
  status,
  cast(event_at as date) as order_date,
  event_at as last_changed_at,
  loaded_at,
  op
from {{ ref('stg_orders_cdc') }}
where
  {% if pipeline_kit.merge_is_incremental() %}batch_id = {{ var('demo_batch') }}{% else %}true{% endif %}
