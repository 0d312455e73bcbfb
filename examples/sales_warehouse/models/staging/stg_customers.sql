select
  customer_id,
  customer_name,
  email,
  country,
  segment,
  updated_at,
  batch_id
from {{ ref('raw_customers') }}
where batch_id <= {{ var('demo_batch') }}
