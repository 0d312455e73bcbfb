-- On a CTE name without `columns`: ties fall back to the row's text form. Customer 4 (two rows
-- that tie on updated_at but differ elsewhere) is left out, since engines may pick differently.
with orders as (  -- noqa: ST03
  select * from {{ ref('dedup_orders_input') }}
  where customer_id is null or customer_id <> 4
),

latest as (
  {{ pipeline_kit.deduplicate('orders', partition_by=['customer_id', 'region'], order_by='updated_at desc') }}
)

select * from latest
