-- Current customers: the current version of each customer in the SCD2 history.
select
  customer_id,
  customer_name,
  email,
  country,
  segment,
  updated_at,
  valid_from as current_since
from {{ ref('dim_customers_history') }}
where is_current
