-- noqa: disable=RF05
-- Names the warehouse allows when quoted (a space, mixed case, a reserved word), loaded by the
-- merge and scd models beside it: key 1 changes in each batch (var pk_quoted_batch), key 0 never.
{{ config(materialized='table') }}
select
  1 as "Order ID",
  'v{{ it_var('pk_quoted_batch', 1) }}' as "select",
  cast('2024-01-0{{ it_var('pk_quoted_batch', 1) }} 00:00:00' as timestamp) as "updated at"
union all
select
  0 as "Order ID",
  'v0' as "select",
  cast('2024-01-01 00:00:00' as timestamp) as "updated at"
