-- On a CTE name: the caller names the columns to break ties on.
with orders as (  -- noqa: ST03
  select * from {{ ref('dedup_orders_input') }}
),

latest as (
  {{ pipeline_kit.deduplicate('orders', partition_by=['customer_id', 'region'], order_by=['updated_at desc'],
                               columns=['customer_id', 'region', 'updated_at', 'amount', 'note']) }}
)

select * from latest
