select
  product_id,
  product_name,
  category,
  unit_price,
  updated_at,
  batch_id
from {{ ref('raw_products') }}
where batch_id <= {{ var('demo_batch') }}
