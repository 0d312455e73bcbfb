{#- Dialect pieces of the scd materialization: canonical text, hashing, UTC-naive timestamps. -#}

{#- A value as text for hashing; NULL stays NULL (callers encode it). -#}
{% macro _scd_text(expr) %}
  {{- return(adapter.dispatch('_scd_text', 'pipeline_kit')(expr)) -}}
{% endmacro %}

{% macro default___scd_text(expr) %}
  {{- return('cast(' ~ expr ~ ' as ' ~ dbt.type_string() ~ ')') -}}
{% endmacro %}

{# Snowflake: to_varchar keeps full precision of numbers and timestamps #}
{% macro snowflake___scd_text(expr) %}
  {{- return('to_varchar(' ~ expr ~ ')') -}}
{% endmacro %}

{#- An unambiguous, NULL-safe text encoding of several values: each part is `<length>:<text>`
    or `~` for NULL, joined by `|`. Two different tuples never encode alike, and NULL differs
    from every value (so NULL -> value and value -> NULL are changes). -#}
{% macro _scd_encode(exprs) %}
  {#- one dispatch per call (not two per value): the cast is a template filled in per value -#}
  {%- set template = pipeline_kit._scd_text('_pk_expr_') -%}
  {%- set parts = [] -%}
  {%- for expr in exprs -%}
    {%- set text = template.replace('_pk_expr_', expr) -%}
    {%- do parts.append("coalesce(" ~ template.replace('_pk_expr_', 'length(' ~ text ~ ')') ~ " || ':' || " ~ text ~ ", '~')") -%}
  {%- endfor -%}
  {%- if parts | length == 0 -%}
    {{- return("''") -}}
  {%- endif -%}
  {{- return(parts | join(" || '|' || ")) -}}
{% endmacro %}

{% macro _scd_hash(exprs) %}
  {{- return('md5(' ~ pipeline_kit._scd_encode(exprs) ~ ')') -}}
{% endmacro %}

{#- A timestamp as canonical text `YYYY-MM-DD HH:MI:SS.ffffff`, identical on every adapter
    (used in the surrogate key so it is the same value everywhere). -#}
{% macro _scd_ts_text(expr) %}
  {{- return(adapter.dispatch('_scd_ts_text', 'pipeline_kit')(expr)) -}}
{% endmacro %}

{% macro default___scd_ts_text(expr) %}
  {{- return("to_char(" ~ expr ~ ", 'YYYY-MM-DD HH24:MI:SS.US')") -}}
{% endmacro %}

{# DuckDB: strftime with %f (microseconds) #}
{% macro duckdb___scd_ts_text(expr) %}
  {{- return("strftime(" ~ expr ~ ", '%Y-%m-%d %H:%M:%S.%f')") -}}
{% endmacro %}

{# Snowflake: FF6 is six fractional digits #}
{% macro snowflake___scd_ts_text(expr) %}
  {{- return("to_char(" ~ expr ~ ", 'YYYY-MM-DD HH24:MI:SS.FF6')") -}}
{% endmacro %}

{#- Is a column type timezone-aware? -#}
{% macro _scd_is_tz_type(data_type) %}
  {%- set t = (data_type or '') | lower -%}
  {{- return('with time zone' in t or 'timestamptz' in t or 'timestamp_tz' in t or 'timestamp_ltz' in t) -}}
{% endmacro %}

{#- The rule for change timestamps: timezone-aware values are converted to UTC and stored
    without a zone; naive values are taken as UTC wall-clock time as they are. -#}
{% macro _scd_utc_naive(expr, data_type) %}
  {%- if pipeline_kit._scd_is_tz_type(data_type) -%}
    {{- return(adapter.dispatch('_scd_utc_naive', 'pipeline_kit')(expr)) -}}
  {%- endif -%}
  {{- return('cast(' ~ expr ~ ' as ' ~ pipeline_kit._naive_timestamp_type() ~ ')') -}}
{% endmacro %}

{% macro default___scd_utc_naive(expr) %}
  {{- return('cast((' ~ expr ~ ") at time zone 'UTC' as " ~ pipeline_kit._naive_timestamp_type() ~ ')') -}}
{% endmacro %}

{# DuckDB: timezone('UTC', timestamptz) gives the UTC wall-clock timestamp #}
{% macro duckdb___scd_utc_naive(expr) %}
  {{- return("timezone('UTC', " ~ expr ~ ")") -}}
{% endmacro %}

{# Snowflake: convert_timezone to UTC, then drop the zone #}
{% macro snowflake___scd_utc_naive(expr) %}
  {{- return("cast(convert_timezone('UTC', " ~ expr ~ ") as timestamp_ntz)") -}}
{% endmacro %}

{#- The load time (used for hard deletes and re-appearances), UTC without zone. -#}
{% macro _scd_now_utc() %}
  {{- return(adapter.dispatch('_scd_now_utc', 'pipeline_kit')()) -}}
{% endmacro %}

{% macro default___scd_now_utc() %}
  {{- return("cast(now() at time zone 'UTC' as timestamp)") -}}
{% endmacro %}

{# DuckDB: current_timestamp is timestamptz; timezone('UTC', ...) drops the zone in UTC #}
{% macro duckdb___scd_now_utc() %}
  {{- return("timezone('UTC', current_timestamp)") -}}
{% endmacro %}

{# Snowflake: sysdate() is the current UTC time as timestamp_ntz #}
{% macro snowflake___scd_now_utc() %}
  {{- return('sysdate()') -}}
{% endmacro %}
