{#- Small calendar expressions the date dimension needs, one dispatch each because engines
    name ISO week/day functions differently. -#}

{#- part: year | month | day | doy | isodow (1 = Monday) | isoweek | isoyear -#}
{% macro _date_part(part, date_expr) %}
  {{- return(adapter.dispatch('_date_part', 'pipeline_kit')(part, date_expr)) -}}
{% endmacro %}

{% macro default___date_part(part, date_expr) %}
  {%- set field = {'isoweek': 'week'}.get(part, part) -%}
  {{- return('extract(' ~ field ~ ' from ' ~ date_expr ~ ')') -}}
{% endmacro %}

{# Snowflake: ISO parts are separate functions (dayofweekiso, weekiso, yearofweekiso) #}
{% macro snowflake___date_part(part, date_expr) %}
  {%- set function = {'year': 'year', 'month': 'month', 'day': 'day', 'doy': 'dayofyear',
                      'isodow': 'dayofweekiso', 'isoweek': 'weekiso', 'isoyear': 'yearofweekiso'}[part] -%}
  {{- return(function ~ '(' ~ date_expr ~ ')') -}}
{% endmacro %}

{% macro _add_days(date_expr, days_expr) %}
  {{- return(adapter.dispatch('_add_days', 'pipeline_kit')(date_expr, days_expr)) -}}
{% endmacro %}

{% macro default___add_days(date_expr, days_expr) %}
  {{- return('cast(' ~ date_expr ~ ' + cast(' ~ days_expr ~ ' as integer) as date)') -}}
{% endmacro %}

{# Snowflake: date + integer is not defined; dateadd is #}
{% macro snowflake___add_days(date_expr, days_expr) %}
  {{- return('dateadd(day, ' ~ days_expr ~ ', ' ~ date_expr ~ ')') -}}
{% endmacro %}

{% macro _last_day_of_month(date_expr) %}
  {{- return(adapter.dispatch('_last_day_of_month', 'pipeline_kit')(date_expr)) -}}
{% endmacro %}

{#- the date as a naive timestamp first: date_trunc of a date resolves to the timestamptz version on
    PostgreSQL, which computes in the session's zone (a zone that skipped a day moves the result) -#}
{% macro default___last_day_of_month(date_expr) %}
  {{- return("cast(date_trunc('month', cast(" ~ date_expr ~ " as timestamp)) + interval '1 month' - interval '1 day' as date)") -}}
{% endmacro %}

{# DuckDB: has last_day() #}
{% macro duckdb___last_day_of_month(date_expr) %}
  {{- return('last_day(' ~ date_expr ~ ')') -}}
{% endmacro %}

{# Snowflake: has last_day() #}
{% macro snowflake___last_day_of_month(date_expr) %}
  {{- return('last_day(' ~ date_expr ~ ')') -}}
{% endmacro %}
