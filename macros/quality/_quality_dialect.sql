{#- Engine-specific SQL fragments the quality rules need (regex, try-cast, percentiles, hour
    differences, UTC hours). Each dispatches per adapter; the default is PostgreSQL's spelling. -#}

{#- Continuous percentile of `expression` (fraction in [0, 1]) as an aggregate. -#}
{% macro _quality_percentile(expression, fraction) %}
  {{- return(adapter.dispatch('_quality_percentile', 'pipeline_kit')(expression, fraction)) -}}
{% endmacro %}

{% macro default___quality_percentile(expression, fraction) %}
  {{- return('percentile_cont(' ~ fraction ~ ') within group (order by ' ~ expression ~ ')') -}}
{% endmacro %}

{# DuckDB: quantile_cont is the native aggregate (same interpolation as percentile_cont) #}
{% macro duckdb___quality_percentile(expression, fraction) %}
  {{- return('quantile_cont(' ~ expression ~ ', ' ~ fraction ~ ')') -}}
{% endmacro %}

{#- 1 when the continuous percentile (`fraction`, interpolated like percentile_cont) of the hours
    from `earlier` to `later` is above `hours`, else 0 (also 0 when no row has both), as aggregates
    of one scan without sorting. With n values and c of them above the bound, sorted v[0..n-1]
    and h = fraction * (n - 1): v[k] > bound exactly when k >= n - c, so the percentile
    v[floor(h)] + (h - floor(h)) * (v[ceil(h)] - v[floor(h)]) is above the bound when
    floor(h) >= n - c, not above when ceil(h) < n - c, and otherwise interpolates between the
    largest value <= bound and the smallest value > bound, computed here with the same
    floating-point steps as the engines' percentile_cont. -#}
{% macro _quality_lag_percentile_above(earlier, later, fraction, hours, instants=false) %}
  {{- return(adapter.dispatch('_quality_lag_percentile_above', 'pipeline_kit')(earlier, later, fraction, hours, instants)) -}}
{% endmacro %}

{% macro default___quality_lag_percentile_above(earlier, later, fraction, hours, instants) %}
  {%- set lag = pipeline_kit._quality_lag_hours(earlier, later, instants) -%}
  {%- set above = lag ~ ' > ' ~ hours -%}
  {{- return(pipeline_kit._quality_percentile_above(
      'count(' ~ lag ~ ')',
      'sum(case when ' ~ above ~ ' then 1 else 0 end)',
      'max(case when not ' ~ above ~ ' then ' ~ lag ~ ' end)',
      'min(case when ' ~ above ~ ' then ' ~ lag ~ ' end)',
      fraction, hours)) -}}
{% endmacro %}

{# PostgreSQL: the numeric epoch per row is the cost, so compare intervals and take the exact
   hours only within a second of the bound; the min / max interval gives the min / max hours. A
   timestamptz minus a timestamptz is already the interval between the instants, so `instants`
   needs nothing else here #}
{% macro postgres___quality_lag_percentile_above(earlier, later, fraction, hours, instants) %}
  {%- set span = '((' ~ later ~ ') - (' ~ earlier ~ '))' -%}
  {%- set exact = 'cast(extract(epoch from ' ~ span ~ ') / 3600.0 as double precision) > ' ~ hours -%}
  {%- set above = exact -%}
  {%- if hours | abs < 1000000000 -%}
    {%- set bound = hours ~ " * interval '1 hour'" -%}
    {%- set above = '(case when ' ~ span ~ ' > ' ~ bound ~ " + interval '1 second' then true when "
                    ~ span ~ ' < ' ~ bound ~ " - interval '1 second' then false else " ~ exact ~ ' end)' -%}
  {%- endif -%}
  {{- return(pipeline_kit._quality_percentile_above(
      'count(' ~ span ~ ')',
      'sum(case when ' ~ above ~ ' then 1 else 0 end)',
      'cast(extract(epoch from max(case when not ' ~ above ~ ' then ' ~ span ~ ' end)) / 3600.0 as double precision)',
      'cast(extract(epoch from min(case when ' ~ above ~ ' then ' ~ span ~ ' end)) / 3600.0 as double precision)',
      fraction, hours)) -}}
{% endmacro %}

{# Snowflake: PERCENTILE_CONT's interpolation arithmetic is not documented, so compute it #}
{% macro snowflake___quality_lag_percentile_above(earlier, later, fraction, hours, instants) %}
  {%- set lag = pipeline_kit._quality_percentile(pipeline_kit._quality_lag_hours(earlier, later, instants), fraction) -%}
  {{- return('case when ' ~ lag ~ ' is null or ' ~ lag ~ ' > ' ~ hours ~ ' then 1 else 0 end') -}}
{% endmacro %}

{#- The decision above from its aggregates: `n` values, `above` of them > `bound`, the largest
    value <= bound (`low`) and the smallest > bound (`high`), all as SQL. No value (an empty
    table, or no row with both timestamps) fails, as freshness fails with no timestamp: there is
    no lag to vouch for. -#}
{% macro _quality_percentile_above(n, above, low, high, fraction, bound) %}
  {%- set position = 'cast(' ~ fraction ~ ' as ' ~ pipeline_kit._quality_float_type() ~ ') * (' ~ n ~ ' - 1)' -%}
  {{- return('case when ' ~ n ~ ' = 0 then 1'
             ~ ' when floor(' ~ position ~ ') >= ' ~ n ~ ' - ' ~ above ~ ' then 1'
             ~ ' when ceil(' ~ position ~ ') < ' ~ n ~ ' - ' ~ above ~ ' then 0'
             ~ ' when ' ~ low ~ ' + (' ~ position ~ ' - floor(' ~ position ~ ')) * (' ~ high ~ ' - ' ~ low ~ ') > ' ~ bound ~ ' then 1'
             ~ ' else 0 end') -}}
{% endmacro %}

{#- Hours from `earlier` to `later` (fractional; positive when later is after earlier). -#}
{% macro _quality_hours_between(earlier, later) %}
  {{- return(adapter.dispatch('_quality_hours_between', 'pipeline_kit')(earlier, later)) -}}
{% endmacro %}

{% macro default___quality_hours_between(earlier, later) %}
  {{- return('(extract(epoch from (' ~ later ~ ') - (' ~ earlier ~ ')) / 3600.0)') -}}
{% endmacro %}

{# DuckDB: date_diff counts the boundaries of its unit it crosses (10:00:00.9 to 10:00:01.1 is one
   second), so the unit is the microsecond, the timestamps' own precision #}
{% macro duckdb___quality_hours_between(earlier, later) %}
  {{- return("(date_diff('microsecond', " ~ earlier ~ ', ' ~ later ~ ') / 3600000000.0)') -}}
{% endmacro %}

{# Snowflake: DATEDIFF (timestamp subtraction is not defined there), which counts boundaries of
   its unit as DuckDB's does: microseconds, as the DuckDB version. Divided as a float: a quotient
   of fixed-point numbers has 6 decimals there, which rounds a lag 1.7 ms over an hour to 1.0 #}
{% macro snowflake___quality_hours_between(earlier, later) %}
  {{- return("(cast(datediff('microsecond', " ~ earlier ~ ', ' ~ later ~ ') as float) / 3600000000)') -}}
{% endmacro %}

{#- Hours of a lag. When both sides are timezone-aware (`instants`), the difference of their
    epochs, so a DST change in the session time zone (or, for a Snowflake TIMESTAMP_TZ, two rows'
    different offsets) does not add or remove an hour; else as the engine subtracts them
    (_quality_hours_between). -#}
{% macro _quality_lag_hours(earlier, later, instants) %}
  {%- if instants -%}
    {{- return('((' ~ pipeline_kit._quality_epoch_seconds(later) ~ ' - ' ~ pipeline_kit._quality_epoch_seconds(earlier) ~ ') / 3600.0)') -}}
  {%- endif -%}
  {{- return(pipeline_kit._quality_hours_between(earlier, later)) -}}
{% endmacro %}

{#- Seconds since 1970-01-01 00:00:00 UTC: of the instant of a timezone-aware value, of the wall
    clock (counted as UTC) of a naive one. -#}
{% macro _quality_epoch_seconds(expression) %}
  {{- return(adapter.dispatch('_quality_epoch_seconds', 'pipeline_kit')(expression)) -}}
{% endmacro %}

{# PostgreSQL: date_part's float epoch is cheaper than extract's numeric, exact to the microsecond
   over this range #}
{% macro default___quality_epoch_seconds(expression) %}
  {{- return("date_part('epoch', " ~ expression ~ ')') -}}
{% endmacro %}

{# DuckDB: epoch_us is an exact integer (absolute for TIMESTAMPTZ); epoch() is a double #}
{% macro duckdb___quality_epoch_seconds(expression) %}
  {{- return('(epoch_us(' ~ expression ~ ') / 1000000.0)') -}}
{% endmacro %}

{# Snowflake: DATE_PART(epoch_microsecond) is the instant of a TIMESTAMP_TZ / LTZ, where the docs
   put TIMESTAMP_TZ operations in each value's own offset and LTZ ones in the session time zone.
   Microseconds (epoch_second is whole seconds: 10:00:00.1 to 11:00:00.9 would be one hour), as a
   float, exact below 2^53 (the year 2255) #}
{% macro snowflake___quality_epoch_seconds(expression) %}
  {{- return('(cast(date_part(epoch_microsecond, ' ~ expression ~ ') as float) / 1000000)') -}}
{% endmacro %}

{#- The timezone-aware timestamp type that reads a naive literal in the session time zone. -#}
{% macro _quality_aware_timestamp_type() %}
  {{- return(adapter.dispatch('_quality_aware_timestamp_type', 'pipeline_kit')()) -}}
{% endmacro %}

{% macro default___quality_aware_timestamp_type() %}
  {{- return('timestamptz') -}}
{% endmacro %}

{# Snowflake: TIMESTAMP_LTZ reads text without an offset in the session's TIMEZONE, as timestamptz
   does on PostgreSQL and DuckDB (TIMESTAMP_TZ would too, but keeps that offset per value) #}
{% macro snowflake___quality_aware_timestamp_type() %}
  {{- return('timestamp_ltz') -}}
{% endmacro %}

{#- The hour of `expression` as a naive timestamp in UTC, independent of the session time zone:
    a timezone-aware value (timestamptz, TIMESTAMP_TZ / LTZ) is truncated to the whole UTC hour of
    its instant; a naive timestamp is taken as it is (the result equals date_trunc('hour', x)). The
    epoch of a naive value counts its wall-clock time as UTC on every engine, so one expression
    serves both without the column's type (which a CTE-wrapped model would not give). -#}
{% macro _quality_utc_hour(expression) %}
  {{- return(adapter.dispatch('_quality_utc_hour', 'pipeline_kit')(expression)) -}}
{% endmacro %}

{# PostgreSQL: date_part's float epoch is cheap (extract's numeric is ~2.5x slower); truncated to
   the second first (offsets are whole seconds, so that cut is exact) it is a whole number, exact
   in a double over the whole timestamp range, and to_timestamp of whole hours is exact too #}
{% macro default___quality_utc_hour(expression) %}
  {{- return("(to_timestamp(floor(date_part('epoch', date_trunc('second', " ~ expression ~ ")) / 3600) * 3600) at time zone 'UTC')") -}}
{% endmacro %}

{# DuckDB: epoch_us is an exact integer (absolute for TIMESTAMPTZ) and make_timestamp reads it back
   as a naive UTC timestamp; the double of epoch() loses microseconds after about 2250 #}
{% macro duckdb___quality_utc_hour(expression) %}
  {{- return("date_trunc('hour', make_timestamp(epoch_us(" ~ expression ~ ')))') -}}
{% endmacro %}

{# Snowflake: a quotient of integers is rounded to 6 decimals, so microseconds / 3.6e9 could round
   up to the next hour; whole seconds / 3600 stay 1/3600 below it (truncated to the second first,
   so no fraction is dropped toward zero before 1970) #}
{% macro snowflake___quality_utc_hour(expression) %}
  {{- return("dateadd(hour, floor(date_part(epoch_second, date_trunc('second', " ~ expression ~ ')) / 3600), '
             ~ "cast('1970-01-01 00:00:00' as timestamp_ntz))") -}}
{% endmacro %}

{#- True when `column` (text) contains a match of `pattern` (search, not whole-string, semantics). -#}
{% macro _quality_regex_match(column, pattern) %}
  {{- return(adapter.dispatch('_quality_regex_match', 'pipeline_kit')(column, pipeline_kit._string_literal(pattern))) -}}
{% endmacro %}

{% macro default___quality_regex_match(column, pattern_literal) %}
  {{- return('(cast(' ~ column ~ ' as text) ~ ' ~ pattern_literal ~ ')') -}}
{% endmacro %}

{# DuckDB: regexp_matches searches (it is not anchored), like PostgreSQL's ~ #}
{% macro duckdb___quality_regex_match(column, pattern_literal) %}
  {{- return('regexp_matches(cast(' ~ column ~ ' as varchar), ' ~ pattern_literal ~ ')') -}}
{% endmacro %}

{# Snowflake: REGEXP_LIKE matches the whole string, so search with REGEXP_INSTR instead #}
{% macro snowflake___quality_regex_match(column, pattern_literal) %}
  {{- return('(regexp_instr(cast(' ~ column ~ ' as varchar), ' ~ pattern_literal ~ ') > 0)') -}}
{% endmacro %}

{#- True when the text of `column` (not NULL) is empty or blank (trim leaves nothing). -#}
{% macro _quality_is_blank(column) %}
  {{- return(adapter.dispatch('_quality_is_blank', 'pipeline_kit')('cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')')) -}}
{% endmacro %}

{% macro default___quality_is_blank(text) %}
  {{- return('trim(' ~ text ~ ") = ''") -}}
{% endmacro %}

{# PostgreSQL: trim strips only spaces, so only '' or text starting with a space (code 32) can be
   blank; testing that first skips the trim copy of every other value #}
{% macro postgres___quality_is_blank(text) %}
  {{- return('(' ~ text ~ " = '' or (ascii(" ~ text ~ ') = 32 and trim(' ~ text ~ ") = ''))") -}}
{% endmacro %}

{# DuckDB: as on PostgreSQL, trim strips only spaces #}
{% macro duckdb___quality_is_blank(text) %}
  {{- return(pipeline_kit.postgres___quality_is_blank(text)) -}}
{% endmacro %}

{#- True when `column` is not NULL and equals none of `literals` (SQL literals). -#}
{% macro _quality_not_in(column, literals) %}
  {{- return(adapter.dispatch('_quality_not_in', 'pipeline_kit')(column, literals)) -}}
{% endmacro %}

{% macro default___quality_not_in(column, literals) %}
  {{- return(column ~ ' is not null and ' ~ column ~ ' not in (' ~ (literals | join(', ')) ~ ')') -}}
{% endmacro %}

{# PostgreSQL: a short list as ORed equalities (a NULL value or a NULL literal make them NULL, as
   in NOT IN): 2-3x cheaper per row than NOT IN's array loop; from 9 values NOT IN is hashed #}
{% macro postgres___quality_not_in(column, literals) %}
  {%- if literals | length > 8 -%}
    {{- return(pipeline_kit.default___quality_not_in(column, literals)) -}}
  {%- endif -%}
  {{- return('not (' ~ column ~ ' = ' ~ (literals | join(' or ' ~ column ~ ' = ')) ~ ')') -}}
{% endmacro %}

{#- True when the length in characters of `column` (not NULL) is below `low` or above `high`
    (either may be none, not both). A column of another type is measured by its text, as the
    regex and castable rules read it (length() takes only text on DuckDB and PostgreSQL). -#}
{% macro _quality_length_outside(column, low, high) %}
  {{- return(adapter.dispatch('_quality_length_outside', 'pipeline_kit')(column, low, high)) -}}
{% endmacro %}

{% macro default___quality_length_outside(column, low, high) %}
  {{- return(pipeline_kit._quality_outside('length(cast(' ~ column ~ ' as varchar))', low, high)) -}}
{% endmacro %}

{# PostgreSQL: length() walks the characters of every value; the byte length is free, and a
   character is 1 to 4 bytes in every server encoding, so a value of 4*low to high bytes passes
   without counting; only the others are counted. The bytes are those of the text value: a
   char(n)'s padding counts in its octet_length but not in its length #}
{% macro postgres___quality_length_outside(column, low, high) %}
  {%- set bytes = 'octet_length(cast(' ~ column ~ ' as text))' -%}
  {%- set sure = [] -%}
  {%- if low is not none -%}{%- do sure.append(bytes ~ ' >= ' ~ (low * 4)) -%}{%- endif -%}
  {%- if high is not none -%}{%- do sure.append(bytes ~ ' <= ' ~ high) -%}{%- endif -%}
  {{- return('(case when ' ~ (sure | join(' and ')) ~ ' then false else '
             ~ pipeline_kit.default___quality_length_outside(column, low, high) ~ ' end)') -}}
{% endmacro %}

{#- Types `castable_to` accepts. -#}
{% macro _quality_castable_types() %}
  {{- return(['integer', 'bigint', 'numeric', 'decimal', 'double', 'float', 'date', 'timestamp', 'boolean']) -}}
{% endmacro %}

{#- True when the text of `column` converts to `type_name` without error. -#}
{% macro _quality_is_castable(column, type_name) %}
  {{- return(adapter.dispatch('_quality_is_castable', 'pipeline_kit')(column, type_name)) -}}
{% endmacro %}

{# PostgreSQL 15 has neither try_cast nor pg_input_is_valid (16+): match each type's input syntax.
   Dates are ISO year-month-day, with or without leading zeros, or YYYYMMDD, checked for month
   1-12 and day 1-31 (not per-month day counts); a date or timestamp may go on with a time
   (one-digit minutes and seconds, a leap second, 24:00) and a UTC offset, which the date drops
   and the timestamp ignores, as PostgreSQL's input does. Month names, slashed dates (read by
   DateStyle), compact times, time zone names (`... UTC`), BC dates and years of five digits
   are not matched, though PostgreSQL reads them; its special inputs (infinity, epoch, now,
   today...) are. Booleans take every unique prefix of true / false / yes / no / on / off
   (`tr`, `of`), as boolin does. Doubles and
   numerics take NaN and infinity as their input functions do (a numeric NaN has no sign);
   a double's magnitude is not checked ('1e400'). #}
{% macro default___quality_is_castable(column, type_name) %}
  {%- set text = 'cast(' ~ column ~ ' as text)' -%}
  {%- set number_re = '([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?' -%}
  {%- set date_re = '([0-9]{4}-(0?[1-9]|1[0-2])-(0?[1-9]|[12][0-9]|3[01])|[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01]))' -%}
  {#- minutes and seconds may have one digit (10:5:3); a leap second (:60) rolls over; 24:00 is the next midnight -#}
  {%- set time_re = '[ T](([01]?[0-9]|2[0-3]):[0-5]?[0-9](:([0-5]?[0-9]|60)(\\.[0-9]+)?)?|24:00(:00(\\.0+)?)?)' -%}
  {#- the special inputs dates and timestamps take (case-insensitive, as the operator below) -#}
  {%- set special_re = '-?infinity|epoch|now|today|tomorrow|yesterday' -%}
  {%- set offset_re = '(\\s*([zZ]|[-+](0?[0-9]|1[0-5])(:?[0-5][0-9])?))?' -%}
  {%- if type_name in ['integer', 'bigint'] -%}
    {{- return(pipeline_kit._quality_is_integer_text(text, type_name)) -}}
  {%- endif -%}
  {%- set patterns = {
      'numeric': '^\\s*([-+]?(' ~ number_re ~ '|inf|infinity)|nan)\\s*$',
      'decimal': '^\\s*([-+]?(' ~ number_re ~ '|inf|infinity)|nan)\\s*$',
      'double': '^\\s*[-+]?(' ~ number_re ~ '|nan|inf|infinity)\\s*$',
      'float': '^\\s*[-+]?(' ~ number_re ~ '|nan|inf|infinity)\\s*$',
      'date': '^\\s*(' ~ date_re ~ '(' ~ time_re ~ offset_re ~ ')?|' ~ special_re ~ ')\\s*$',
      'timestamp': '^\\s*(' ~ date_re ~ '(' ~ time_re ~ offset_re ~ ')?|' ~ special_re ~ ')\\s*$',
      'boolean': '^\\s*(t(r(ue?)?)?|f(a(l(se?)?)?)?|y(es?)?|no?|on|off?|1|0)\\s*$'} -%}
  {#- case-insensitive where the input function is: boolean words, NaN / Infinity -#}
  {%- set operator = '~*' if type_name in ['boolean', 'double', 'float', 'numeric', 'decimal', 'date', 'timestamp'] else '~' -%}
  {{- return('(' ~ text ~ ' ' ~ operator ~ ' ' ~ pipeline_kit._string_literal(patterns[type_name]) ~ ')') -}}
{% endmacro %}

{#- True when `text` (SQL, not NULL) is an integer literal within the range of `type_name`
    (integer: 4 bytes, bigint: 8 bytes), as PostgreSQL's int4in / int8in read it: blanks, a sign,
    digits. The shape is matched first; the value is compared as numeric only for text long
    enough to leave the range and only for its significant digits (leading zeros stripped, at
    most the range's digit count), inside CASE so the comparison never meets a cast error. -#}
{% macro _quality_is_integer_text(text, type_name) %}
  {#- digits of the largest value: shorter text is in range; no match (NULL) is not an integer -#}
  {%- set digits, largest = {'integer': (10, 2147483647), 'bigint': (19, 9223372036854775807)}[type_name] -%}
  {%- set significant = 'substring(' ~ text ~ ' from ' ~ pipeline_kit._string_literal('^\\s*[-+]?0*([0-9]+)\\s*$') ~ ')' -%}
  {{- return('(case when octet_length(' ~ text ~ ') < ' ~ digits
             ~ ' then ' ~ text ~ ' ~ ' ~ pipeline_kit._string_literal('^\\s*[-+]?[0-9]+\\s*$')
             ~ ' when coalesce(length(' ~ significant ~ '), ' ~ (digits + 1) ~ ') > ' ~ digits ~ ' then false'
             ~ ' when ' ~ text ~ ' ~ ' ~ pipeline_kit._string_literal('^\\s*-')
             ~ ' then cast(' ~ significant ~ ' as numeric) <= ' ~ (largest + 1)
             ~ ' else cast(' ~ significant ~ ' as numeric) <= ' ~ largest ~ ' end)') -}}
{% endmacro %}

{# DuckDB: try_cast returns NULL instead of failing #}
{% macro duckdb___quality_is_castable(column, type_name) %}
  {%- set target_type = {'numeric': 'decimal(38, 10)', 'decimal': 'decimal(38, 10)', 'float': 'double'}.get(type_name, type_name) -%}
  {{- return('(try_cast(cast(' ~ column ~ ' as varchar) as ' ~ target_type ~ ') is not null)') -}}
{% endmacro %}

{# Snowflake: TRY_CAST only accepts string input, so cast to varchar first #}
{% macro snowflake___quality_is_castable(column, type_name) %}
  {%- set target_type = {'numeric': 'number(38, 10)', 'decimal': 'number(38, 10)', 'integer': 'number(38, 0)', 'bigint': 'number(38, 0)', 'float': 'double', 'timestamp': 'timestamp_ntz'}.get(type_name, type_name) -%}
  {{- return('(try_cast(cast(' ~ column ~ ' as varchar) as ' ~ target_type ~ ') is not null)') -}}
{% endmacro %}

{#- A double-precision float type for ratios and scores. -#}
{% macro _quality_float_type() %}
  {{- return(adapter.dispatch('_quality_float_type', 'pipeline_kit')()) -}}
{% endmacro %}

{% macro default___quality_float_type() %}
  {{- return('double precision') -}}
{% endmacro %}

{# DuckDB: FLOAT is 4-byte REAL there; DOUBLE is the 8-byte type #}
{% macro duckdb___quality_float_type() %}
  {{- return('double') -}}
{% endmacro %}

{# Snowflake: FLOAT is already 8-byte; "double precision" is accepted but FLOAT is canonical #}
{% macro snowflake___quality_float_type() %}
  {{- return('float') -}}
{% endmacro %}

{#- Distinct non-NULL keys (a key with any NULL part is not counted). -#}
{% macro _quality_count_distinct(columns) %}
  {%- if columns | length == 1 -%}
    {{- return('count(distinct ' ~ columns[0] ~ ')') -}}
  {%- endif -%}
  {{- return(adapter.dispatch('_quality_count_distinct', 'pipeline_kit')(columns)) -}}
{% endmacro %}

{% macro default___quality_count_distinct(columns) %}
  {%- set checks = [] -%}
  {%- for column in columns -%}{%- do checks.append(column ~ ' is not null') -%}{%- endfor -%}
  {{- return('count(distinct case when ' ~ (checks | join(' and ')) ~ ' then row(' ~ (columns | join(', ')) ~ ') end)') -}}
{% endmacro %}

{# Snowflake: COUNT(DISTINCT a, b) counts key combinations and skips rows with any NULL part #}
{% macro snowflake___quality_count_distinct(columns) %}
  {{- return('count(distinct ' ~ (columns | join(', ')) ~ ')') -}}
{% endmacro %}
