{#- completeness_date_series: no missing periods between the first and the last period present
    (or between start_date and end_date, half-open): the expected periods come from
    pipeline_kit.date_spine, and each missing period counts as one failing row. Given bounds are
    widened to whole periods: every period that [start_date, end_date) touches is expected. Hours are whole
    UTC hours (_quality_utc_hour): a timezone-aware column by its instants, whatever the session
    time zone (whose wall clock skips an hour when DST starts and repeats one when it ends), a
    naive column by its wall-clock hours as they are; the spine's hours and start_date / end_date
    are read as UTC. Days, months and years stay the engine's date_trunc (for an aware column, the
    session time zone's calendar dates, which DST does not skip). -#}
{% test completeness_date_series(model, column_name, datepart='day', start_date=none, end_date=none, max_failure_ratio=none, mostly=none, rule_name=none) %}
  {{ config(fail_calc='coalesce(sum(is_failing), 0)', tags=['pipeline_kit_quality', 'completeness']) }}
  {%- set ctx = pipeline_kit._quality_context(model, 'completeness_date_series') -%}
  {%- set label = 'completeness[0] ' ~ column_name -%}
  {%- set column = pipeline_kit._quality_column(ctx, label, {'column': column_name}) -%}
  {%- if datepart not in ['hour', 'day', 'month', 'year'] -%}
    {{ pipeline_kit._quality_fail(ctx, label, '`datepart` must be one of hour, day, month, year', datepart) }}
  {%- endif -%}
  {#- A date has no hours: PostgreSQL would count the UTC hour of the session's midnight, and
      Snowflake's epoch functions reject a DATE. The type is known once the model is built. -#}
  {%- set column_type = pipeline_kit._quality_column_type(ctx, column_name) -%}
  {%- if datepart == 'hour' and column_type == 'date' -%}
    {{ pipeline_kit._quality_fail(ctx, label, 'datepart hour needs a timestamp column; column `' ~ column_name ~ '` is of type ' ~ column_type ~ ' (use datepart day, month or year)', 'datepart hour on a ' ~ column_type ~ ' column') }}
  {%- endif -%}
  {%- set threshold = pipeline_kit._quality_threshold(ctx, label, {'max_failure_ratio': max_failure_ratio, 'mostly': mostly}, 0) -%}
  {%- set start, end = start_date, end_date -%}
  {%- if (start is none or end is none) and execute -%}
    {#- Bounds from the data: the first period present .. one period past the last. Hours come
        from the SQL as naive UTC hours: the driver hands an aware value over in the session's
        zone, and strftime below would keep its wall clock and drop its offset. -#}
    {%- set low, high = 'min(' ~ column ~ ')', 'max(' ~ column ~ ')' -%}
    {%- if datepart == 'hour' -%}
      {%- set low, high = pipeline_kit._quality_utc_hour(low), pipeline_kit._quality_utc_hour(high) -%}
    {%- endif -%}
    {%- set bounds = run_query('select ' ~ low ~ ', ' ~ high ~ ' from ' ~ model) -%}
    {%- set first, last = bounds.rows[0][0], bounds.rows[0][1] -%}
    {%- if first is not none -%}
      {%- set first = modules.datetime.datetime.fromisoformat(first | string) -%}
      {%- set last = modules.datetime.datetime.fromisoformat(last | string) -%}
      {#- one period past a value in the last day of 9999 (a 9999-12-31 "unknown" sentinel) is in
          the year 10000, which Python cannot hold: a bare "date value out of range" before -#}
      {%- if (last.year, last.month, last.day) == (9999, 12, 31) and (datepart != 'hour' or last.hour == 23) -%}
        {{ pipeline_kit._quality_fail(ctx, label, 'the column reaches the last ' ~ datepart ~ ' of the year 9999 (a far-future sentinel?), so the series has no end to check up to; set `end_date`, or leave the sentinel out with the test\'s `where` config', last | string) }}
      {%- endif -%}
      {%- if datepart == 'hour' -%}
        {%- set first = first.replace(minute=0, second=0, microsecond=0) -%}
        {%- set last = last.replace(minute=0, second=0, microsecond=0) + modules.datetime.timedelta(hours=1) -%}
      {%- else -%}
        {%- set first = first.replace(hour=0, minute=0, second=0, microsecond=0) -%}
        {%- if datepart in ['month', 'year'] -%}{%- set first = first.replace(day=1) -%}{%- endif -%}
        {%- if datepart == 'year' -%}{%- set first = first.replace(month=1) -%}{%- endif -%}
        {%- set last = last.replace(hour=0, minute=0, second=0, microsecond=0) + modules.datetime.timedelta(days=1) -%}
      {%- endif -%}
      {%- set fmt = '%Y-%m-%d %H:%M:%S' if datepart == 'hour' else '%Y-%m-%d' -%}
      {%- set start = start if start is not none else first.strftime(fmt) -%}
      {%- set end = end if end is not none else last.strftime(fmt) -%}
    {%- endif -%}
  {%- endif -%}
  {%- if start is none or end is none -%}
    {%- set start, end = '2000-01-01', '2000-01-01' -%}
  {%- else -%}
    {#- periods, not instants: a start_date inside a period (2024-03-15 by month, 06:00 by day)
        would start a spine no truncated period equals, and report every period missing -#}
    {%- set start, end = pipeline_kit._whole_period_bounds('completeness_date_series', datepart, start, end) -%}
  {%- endif -%}
  {%- set period = pipeline_kit._quality_utc_hour(column) if datepart == 'hour'
                  else "cast(date_trunc('" ~ datepart ~ "', " ~ column ~ ') as date)' -%}
  {#- names as _quality_rule gives them, so results read alike: the rule name shows the column as
      configured (without dbt's quotes), column_name holds it as given; only the SQL uses `column` -#}
  {%- set named = pipeline_kit._quality_column_name(column_name) -%}
  {%- set rule = {'dimension': 'completeness', 'kind': 'date_series', 'column': column_name, 'threshold': threshold, 'mostly': mostly,
                  'name': rule_name or ('date_series(' ~ named ~ ' by ' ~ datepart ~ ')')} -%}
  with pk_spine as (
    {{ pipeline_kit.date_spine(datepart, start, end) }}
  ),

  pk_present as (
    select distinct {{ period }} as pk_period
    from {{ model }}
    where {{ column }} is not null
  ),

  pk_scan as (
    select
      count(*) - count(pk_present.pk_period) as pk_failing_0,
      count(*) as pk_evaluated_0
    from pk_spine
    left join pk_present on pk_spine.date_{{ datepart }} = pk_present.pk_period
  ),

  {{ pipeline_kit._quality_summary([rule]) }}
{% endtest %}
