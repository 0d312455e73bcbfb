-- noqa: disable=RF05
-- Date columns named plainly (d), with a space (Event Day) and as a reserved word dbt quotes
-- (select, `quote: true`), for the rule and column names completeness_date_series reports. No
-- day is missing. Built only when test_date_series_names.py passes var pk_quality_date_series.
{{ config(enabled=it_var('pk_quality_date_series', false), materialized='table') }}
select
  cast('2024-03-10' as date) as d,
  cast('2024-03-10' as date) as "Event Day",
  cast('2024-03-10' as date) as "select"
union all
select
  cast('2024-03-11' as date) as d,
  cast('2024-03-11' as date) as "Event Day",
  cast('2024-03-11' as date) as "select"
