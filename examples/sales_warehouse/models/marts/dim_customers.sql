-- Current customers (latest version per customer).
with latest as (
  {{ pipeline_kit.deduplicate(ref('stg_customers'), partition_by='customer_id', order_by='updated_at desc') }}
)

select
  customer_id,
  customer_name,
  email,
  country,
  segment,
  updated_at
from latest
