-- Hourly series on timezone-aware columns (timestamptz; TIMESTAMP_TZ on Snowflake) around the
-- 2024 DST changes of America/New_York, a session time zone test_date_series_dst.py runs in (the
-- other is Asia/Kolkata, +05:30, whose wall-clock hours start at :30 UTC). In New York, spring
-- forward (2024-03-10 07:00Z) makes 05Z-08Z the wall-clock hours 00, 01, 03, 04; fall back
-- (2024-11-03 06:00Z) makes 04Z-07Z 00, 01, 01, 02. Columns: spring_hours complete, spring_gap
-- without 07Z, fall_hours complete, fall_gap without 06Z (its wall-clock hours look complete),
-- naive_hours the naive wall-clock hours 00-03 of 2024-03-10 (02 included, a time New York
-- skips), spring_days one value per day 2024-03-09..11. In UTC hours only the two gaps miss one
-- hour each, in every session zone. NULLs pad the shorter columns.
-- Built only when test_date_series_dst.py passes var pk_quality_date_series_tz.
{{ config(enabled=it_var('pk_quality_date_series_tz', false), materialized='table') }}
{%- set naive = 'timestamp_ntz' if target.type == 'snowflake' else 'timestamp' %}
select
  cast('2024-03-10 05:00:00+00:00' as timestamptz) as spring_hours,
  cast('2024-03-10 05:00:00+00:00' as timestamptz) as spring_gap,
  cast('2024-11-03 04:00:00+00:00' as timestamptz) as fall_hours,
  cast('2024-11-03 04:00:00+00:00' as timestamptz) as fall_gap,
  cast('2024-03-10 00:00:00' as {{ naive }}) as naive_hours,
  cast('2024-03-09 12:00:00+00:00' as timestamptz) as spring_days
union all
select
  cast('2024-03-10 06:45:00+00:00' as timestamptz) as spring_hours,
  cast('2024-03-10 06:45:00+00:00' as timestamptz) as spring_gap,
  cast('2024-11-03 05:30:00+00:00' as timestamptz) as fall_hours,
  cast('2024-11-03 05:30:00+00:00' as timestamptz) as fall_gap,
  cast('2024-03-10 01:15:00' as {{ naive }}) as naive_hours,
  cast('2024-03-10 12:00:00+00:00' as timestamptz) as spring_days
union all
select
  cast('2024-03-10 07:00:00+00:00' as timestamptz) as spring_hours,
  cast(null as timestamptz) as spring_gap,
  cast('2024-11-03 06:30:00+00:00' as timestamptz) as fall_hours,
  cast(null as timestamptz) as fall_gap,
  cast('2024-03-10 02:30:00' as {{ naive }}) as naive_hours,
  cast('2024-03-11 12:00:00+00:00' as timestamptz) as spring_days
union all
select
  cast('2024-03-10 08:59:59+00:00' as timestamptz) as spring_hours,
  cast('2024-03-10 08:59:59+00:00' as timestamptz) as spring_gap,
  cast('2024-11-03 07:00:00+00:00' as timestamptz) as fall_hours,
  cast('2024-11-03 07:00:00+00:00' as timestamptz) as fall_gap,
  cast('2024-03-10 03:00:00' as {{ naive }}) as naive_hours,
  cast(null as timestamptz) as spring_days
