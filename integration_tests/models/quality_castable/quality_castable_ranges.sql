-- Integer text just inside and just outside the integer (4-byte) and bigint (8-byte) ranges, one
-- case per column, checked by validity_castable in schema.yml. Built only when
-- test_castable_ranges.py passes var pk_quality_castable (the outside cases fail by design).
{{ config(enabled=it_var('pk_quality_castable', false), materialized='table') }}
select
  cast('2147483647' as varchar) as int_inside,
  cast('2147483648' as varchar) as int_above,
  cast('-2147483649' as varchar) as int_below,
  cast('9223372036854775807' as varchar) as bigint_inside,
  cast('9223372036854775808' as varchar) as bigint_above,
  cast('-9223372036854775809' as varchar) as bigint_below,
  cast('123456789012345678901234567890123456789' as varchar) as digits_39
union all
select
  cast('-2147483648' as varchar) as int_inside,
  cast('1' as varchar) as int_above,
  cast('1' as varchar) as int_below,
  cast('-9223372036854775808' as varchar) as bigint_inside,
  cast('1' as varchar) as bigint_above,
  cast('1' as varchar) as bigint_below,
  cast('1' as varchar) as digits_39
