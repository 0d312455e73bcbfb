-- noqa: disable=RF05
-- Columns whose names need quoting (a space, mixed case, the reserved word select), checked by the
-- quality tests in schema.yml: row 2 has a bad e-mail and a negative amount. Built only when
-- test_quality_quoted_names.py passes var pk_quality_quoted (two of its tests fail by design).
{{ config(enabled=it_var('pk_quality_quoted', false), materialized='table') }}
select
  1 as "Order ID",
  'pending' as "select",
  'a@example.com' as "E Mail",
  cast(5.5 as numeric(10, 2)) as "Amount Due",
  cast('2024-03-10 12:00:00' as timestamp) as "loaded at"
union all
select
  2 as "Order ID",
  'done' as "select",
  'not an address' as "E Mail",
  cast(-1 as numeric(10, 2)) as "Amount Due",
  cast('2024-03-10 13:00:00' as timestamp) as "loaded at"
