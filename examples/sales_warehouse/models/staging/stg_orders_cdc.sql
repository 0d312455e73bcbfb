-- The order change feed as delivered so far (batches up to var demo_batch).
select
  order_id,
  customer_id,
  product_id,
  quantity,
  unit_price,
  line_total,
  status,
  op,
  event_at,
  loaded_at,
  batch_id
from {{ ref('raw_orders_cdc') }}
where batch_id <= {{ var('demo_batch') }}
