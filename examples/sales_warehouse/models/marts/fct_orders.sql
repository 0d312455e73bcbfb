-- Current state of every order: the latest change by event time wins (a late, older change
-- never overrides a newer one); orders whose latest change is a delete are gone.
with latest_change as (
  {{ pipeline_kit.deduplicate(ref('stg_orders_cdc'), partition_by='order_id', order_by=['event_at desc', 'loaded_at desc']) }}
)

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
  loaded_at
from latest_change
where op <> 'D'
