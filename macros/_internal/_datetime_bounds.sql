{#- Compile-time calendar arithmetic for literal bounds. date_spine counts its periods here, in
    Jinja, so it never has to query the warehouse while compiling (dbt's date_spine does). -#}

{% macro _supported_dateparts() %}
  {{- return(['hour', 'day', 'week', 'month', 'quarter', 'year']) -}}
{% endmacro %}

{#- Parse a bound given as a date/datetime object or an ISO string into a naive datetime.
    Returns a dict: {'value': datetime, 'has_time': bool}. -#}
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
    {{- return({'value': value.replace(tzinfo=none), 'has_time': true}) -}}
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

{% macro _days_in_month(year, month) %}
  {%- set dt = modules.datetime -%}
  {%- set next_first = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1) -%}
  {{- return((next_first - dt.timedelta(days=1)).day) -}}
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
  {#- Month clamping can shift the boundary by at most one period either way: settle it exactly. -#}
  {%- for _ in range(4) -%}
    {%- if pipeline_kit._add_periods(start, datepart, state.count) < end -%}
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
