-- dbt's accepted_values and unique group by value: their failure count is of values (1 here),
-- the rows holding them are more (see schema.yml).
select
  1 as order_id,
  'refunded' as status,
  7 as customer_id,
  'web' as channel
union all
select
  2 as order_id,
  'refunded' as status,
  7 as customer_id,
  'web' as channel
union all
select
  3 as order_id,
  'refunded' as status,
  7 as customer_id,
  'shop' as channel
union all
select
  4 as order_id,
  'paid' as status,
  8 as customer_id,
  'web' as channel
