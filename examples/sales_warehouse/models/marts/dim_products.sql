-- Current products (latest version per product).
with latest as (
  {{ pipeline_kit.deduplicate(ref('stg_products'), partition_by='product_id', order_by='updated_at desc') }}
)

select
  product_id,
  product_name,
  category,
  unit_price,
  updated_at
from latest
