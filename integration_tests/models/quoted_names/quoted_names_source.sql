-- noqa: disable=RF05
-- A column whose name holds a double quote (off unless var pk_quoted_names is true): the merge,
-- scd and deduplicate refuse it with an error naming the column (dbt does not escape it).
{{ config(enabled=it_var('pk_quoted_names', false), materialized='table') }}
select
  1 as id,
  cast('2024-01-01 00:00:00' as timestamp) as updated_at,
  'x' as "say ""hi"""
