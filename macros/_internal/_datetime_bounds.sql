{#- Compile-time calendar arithmetic for literal bounds. date_spine counts its periods here, in
    Jinja, so it never has to query the warehouse while compiling (dbt's date_spine does). -#}

{% macro _supported_dateparts() %}
  {{- return(['hour', 'day', 'week', 'month', 'quarter', 'year']) -}}
{% endmacro %}

{#- Parse a bound given as a date/datetime object or an ISO string into a naive datetime.
    Returns a dict: {'value': datetime, 'has_time': bool}. A timezone-aware datetime is an
    instant: it is taken as its UTC time (dropping its offset would read two bounds in different
    zones, or the two sides of a DST change, on different clocks; run_started_at is UTC already). -#}
{% macro _parse_datetime_bound(macro_name, arg_name, value) %}
  {%- set dt = modules.datetime -%}
  {%- if value is none or value is boolean or value is number -%}
    {{ pipeline_kit._raise(macro_name, '`' ~ arg_name ~ '` must be a date or timestamp literal such as 2024-01-31 or 2024-01-31 13:00:00', value) }}
  {%- endif -%}
  {%- if value is string -%}
    {%- set text = value.strip().strip("'").replace('T', ' ') -%}
    {%- for fmt in ['%Y-%m-%d', '%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M:%S'] -%}
      {%- set attempt = pipeline_kit._try_strptime(text, fmt) -%}
      {%- if attempt is not none -%}
        {{- return({'value': attempt, 'has_time': fmt != '%Y-%m-%d'}) -}}
      {%- endif -%}
    {%- endfor -%}
    {{ pipeline_kit._raise(macro_name, '`' ~ arg_name ~ '` is not a date or timestamp literal (expected YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS])', "'" ~ value ~ "'") }}
  {%- elif value.hour is defined -%}
    {%- set naive = value.astimezone(modules.pytz.utc).replace(tzinfo=none) if value.utcoffset() is not none else value -%}
    {{- return({'value': naive, 'has_time': true}) -}}
  {%- elif value.year is defined -%}
    {{- return({'value': dt.datetime(value.year, value.month, value.day), 'has_time': false}) -}}
  {%- endif -%}
  {{ pipeline_kit._raise(macro_name, '`' ~ arg_name ~ '` must be a date or timestamp literal', value) }}
{% endmacro %}

{#- strptime raises on a mismatch; Jinja has no try/except, so validate the shape with a regex first. -#}
{% macro _try_strptime(text, fmt) %}
  {%- set patterns = {
      '%Y-%m-%d': '^\\d{4}-\\d{2}-\\d{2}$',
      '%Y-%m-%d %H:%M': '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}$',
      '%Y-%m-%d %H:%M:%S': '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$'} -%}
  {%- if not modules.re.match(patterns[fmt], text) -%}
    {{- return(none) -}}
  {%- endif -%}
  {%- set y, m, d = text[0:4] | int, text[5:7] | int, text[8:10] | int -%}
  {%- set hh = (text[11:13] | int) if fmt != '%Y-%m-%d' else 0 -%}
  {%- set mi = (text[14:16] | int) if fmt != '%Y-%m-%d' else 0 -%}
  {%- set ss = (text[17:19] | int) if fmt == '%Y-%m-%d %H:%M:%S' else 0 -%}
  {%- if m < 1 or m > 12 or d < 1 or d > pipeline_kit._days_in_month(y, m) or hh > 23 or mi > 59 or ss > 59 or y < 1 -%}
    {{- return(none) -}}
  {%- endif -%}
  {{- return(modules.datetime.datetime(y, m, d, hh, mi, ss)) -}}
{% endmacro %}

{#- December is 31 days outright: the next January 1st of 9999 is past Python's last date, which
    made a bound such as the 9999-12-31 sentinel fail with a bare "year 10000 is out of range". -#}
{% macro _days_in_month(year, month) %}
  {%- if month == 12 -%}
    {{- return(31) -}}
  {%- endif -%}
  {%- set dt = modules.datetime -%}
  {{- return((dt.date(year, month + 1, 1) - dt.timedelta(days=1)).day) -}}
{% endmacro %}

{#- start + count periods, anchored at start (months clamp to the month end, as every engine does). -#}
{% macro _add_periods(start, datepart, count) %}
  {%- set dt = modules.datetime -%}
  {%- if datepart == 'hour' -%}
    {{- return(start + dt.timedelta(hours=count)) -}}
  {%- elif datepart == 'day' -%}
    {{- return(start + dt.timedelta(days=count)) -}}
  {%- elif datepart == 'week' -%}
    {{- return(start + dt.timedelta(days=7 * count)) -}}
  {%- endif -%}
  {%- set months = count * {'month': 1, 'quarter': 3, 'year': 12}[datepart] -%}
  {%- set month_index = start.year * 12 + (start.month - 1) + months -%}
  {%- set year = month_index // 12 -%}
  {%- set month = month_index % 12 + 1 -%}
  {%- set day = [start.day, pipeline_kit._days_in_month(year, month)] | min -%}
  {{- return(start.replace(year=year, month=month, day=day)) -}}
{% endmacro %}

{#- Number of periods k >= 0 with start + k periods < end (the half-open interval [start, end)). -#}
{% macro _count_periods(start, end, datepart) %}
  {%- if end <= start -%}
    {{- return(0) -}}
  {%- endif -%}
  {%- set seconds = (end - start).total_seconds() -%}
  {%- if datepart in ['hour', 'day', 'week'] -%}
    {%- set step = {'hour': 3600, 'day': 86400, 'week': 604800}[datepart] -%}
    {%- set whole = (seconds // step) | int -%}
    {{- return(whole + (1 if seconds > whole * step else 0)) -}}
  {%- endif -%}
  {%- set step_months = {'month': 1, 'quarter': 3, 'year': 12}[datepart] -%}
  {%- set months = (end.year - start.year) * 12 + (end.month - start.month) -%}
  {%- set state = namespace(count=[(months // step_months) - 1, 0] | max) -%}
  {%- set start_month = start.year * 12 + start.month - 1 -%}
  {#- Month clamping can shift the boundary by at most one period either way: settle it exactly.
      A period starting after the year 9999 is after any end (and Python cannot represent it). -#}
  {%- for _ in range(4) -%}
    {%- if (start_month + state.count * step_months) // 12 <= 9999 and pipeline_kit._add_periods(start, datepart, state.count) < end -%}
      {%- set state.count = state.count + 1 -%}
    {%- endif -%}
  {%- endfor -%}
  {{- return(state.count) -}}
{% endmacro %}

{#- [start, end) widened to whole periods of `datepart` (hour, day, month or year): start down to
    the start of its period, end up to the next period start unless it is one. Returns the two as
    literals date_spine takes (dates, or timestamps for hours). -#}
{% macro _whole_period_bounds(macro_name, datepart, start, end) %}
  {%- set bounds = [] -%}
  {%- for arg_name, value in [('start_date', start), ('end_date', end)] -%}
    {%- set parsed = pipeline_kit._parse_datetime_bound(macro_name, arg_name, value).value -%}
    {%- set floor = parsed.replace(minute=0, second=0, microsecond=0) -%}
    {%- if datepart != 'hour' -%}{%- set floor = floor.replace(hour=0) -%}{%- endif -%}
    {%- if datepart in ['month', 'year'] -%}{%- set floor = floor.replace(day=1) -%}{%- endif -%}
    {%- if datepart == 'year' -%}{%- set floor = floor.replace(month=1) -%}{%- endif -%}
    {%- if arg_name == 'end_date' and floor != parsed -%}
      {#- the last period of the year 9999 ends at 10000-01-01, which no bound can express -#}
      {%- if floor.year == 9999 and (datepart == 'year' or (floor.month == 12 and (datepart == 'month'
            or (floor.day == 31 and (datepart == 'day' or floor.hour == 23))))) -%}
        {{ pipeline_kit._raise(macro_name, '`end_date` falls inside the last ' ~ datepart ~ ' before the year 10000, whose end cannot be written as a bound; end at its start instead', value) }}
      {%- endif -%}
      {%- set floor = pipeline_kit._add_periods(floor, datepart, 1) -%}
    {%- endif -%}
    {%- do bounds.append(pipeline_kit._datetime_text(floor, with_time=datepart == 'hour')) -%}
  {%- endfor -%}
  {{- return(bounds) -}}
{% endmacro %}

{#- A date or datetime as ISO text with a four-digit year: strftime's %Y does not pad years before
    1000 on Linux ('99-12-30'), which PostgreSQL rejects. Fractions only when present. -#}
{% macro _datetime_text(value, with_time=false) %}
  {%- set text = '%04d-%02d-%02d' % (value.year, value.month, value.day) -%}
  {%- if with_time -%}
    {%- set text = text ~ (' %02d:%02d:%02d' % (value.hour, value.minute, value.second)) -%}
    {%- if value.microsecond -%}{%- set text = text ~ ('.%06d' % value.microsecond) -%}{%- endif -%}
  {%- endif -%}
  {{- return(text) -}}
{% endmacro %}
