{#- merge_lookback_filter: a WHERE condition for late-arriving data. On an incremental run it keeps
    source rows whose `column` is at least max(column in the target) minus `lookback`; on a first
    build or full refresh (and while the target is empty) it keeps everything.
    - `lookback`: a number >= 0: whole `datepart` units, or plain units (fractions allowed) for a
      numeric sequence column when `datepart` is none.
    - `column`: defaults to the model's `merge_order_by` config.
    Rows older than the window are not read at all; rows inside it are applied by the merge's
    ordering rules (an older change never overwrites a newer one). -#}
{% macro merge_lookback_filter(lookback, datepart='day', column=none) %}
  {%- set name = 'merge_lookback_filter' -%}
  {%- if lookback is none or lookback is boolean or lookback is not number or lookback < 0 -%}
    {{ pipeline_kit._raise(name, '`lookback` must be a number >= 0', lookback) }}
  {%- endif -%}
  {%- if datepart is not none and datepart not in ['second', 'minute', 'hour', 'day', 'week', 'month', 'year'] -%}
    {{ pipeline_kit._raise(name, '`datepart` must be one of second, minute, hour, day, week, month, year, or none for a numeric column', datepart) }}
  {%- endif -%}
  {#- dbt's dateadd takes whole units: DuckDB's casts the number to an integer (0.25 day became 0,
      a window of nothing, and late rows were never read) and Snowflake's DATEADD is whole units -#}
  {%- if datepart is not none and lookback != lookback | int -%}
    {{ pipeline_kit._raise(name, '`lookback` must be a whole number of `datepart` units (a fraction would be rounded on DuckDB and Snowflake); use a smaller datepart, e.g. 6 and hour for a quarter day', lookback) }}
  {%- endif -%}
  {%- if column is not none and (column is not string or column | trim == '') -%}
    {{ pipeline_kit._raise(name, '`column` must be a column name', column) }}
  {%- endif -%}
  {#- before any column is needed: a dbt unit test's node carries none of the model's config -#}
  {%- if not execute or not pipeline_kit.merge_is_incremental() -%}
    {{- return('1 = 1') -}}
  {%- endif -%}
  {%- set column = column or pipeline_kit._config_get('merge_order_by') -%}
  {%- if column is none or column is not string or column | trim == '' -%}
    {{ pipeline_kit._raise(name, '`column` is required (or set the model config merge_order_by; a dbt unit test does not carry the model config, so an incremental unit test needs `column`)', column) }}
  {%- endif -%}
  {{- return(adapter.dispatch('merge_lookback_filter', 'pipeline_kit')(lookback, datepart, pipeline_kit._merge_lookback_column(column | trim))) -}}
{% endmacro %}

{#- The ordering column as SQL, always quoted (a reserved word such as `order` is a column name
    too): a plain lower-case name is the name PostgreSQL and DuckDB store for it, quoted without a
    look-up; any other name (mixed case, a space, written in double quotes), and every name on
    Snowflake (an unquoted name is stored upper-case, a quoted one as written: `"order"`), as the
    target stores it, looked up as the merge resolves its columns (the exact name first, then any
    case). In a dbt unit test `this` is the test's input: the name as written. -#}
{% macro _merge_lookback_column(column) %}
  {%- set wanted = column | replace('"', '') -%}
  {%- if modules.re.match('^[a-z_][a-z0-9_]*$', column) and target.type != 'snowflake' -%}
    {{- return(adapter.quote(column)) -}}
  {%- elif model.get('resource_type') == 'unit_test' -%}
    {{- return(column) -}}
  {%- endif -%}
  {%- set columns = adapter.get_columns_in_relation(this) -%}
  {#- the exact name first (PostgreSQL may hold "UpdatedAt" and updatedat), then any case -#}
  {%- for found in columns | selectattr('name', 'equalto', wanted) | list + columns if found.name | lower == wanted | lower -%}
    {{- return(adapter.quote(found.name)) -}}
  {%- endfor -%}
  {{ pipeline_kit._raise('merge_lookback_filter', '`column` names no column of the target ' ~ this, column ~ '; columns: ' ~ (columns | map(attribute='name') | join(', '))) }}
{% endmacro %}

{#- Days and weeks are fixed hours (24, 168): added to a timezone-aware value, a day is a calendar
    day of the session's time zone, 23 or 25 hours across a DST change, so the window would depend
    on the session. -#}
{% macro default__merge_lookback_filter(lookback, datepart, column) %}
  {%- if datepart is none -%}
    {%- set bound = 'max(' ~ column ~ ') - ' ~ lookback -%}
  {%- elif datepart in ['day', 'week'] -%}
    {%- set bound = dbt.dateadd('hour', -lookback * (24 if datepart == 'day' else 168), 'max(' ~ column ~ ')') -%}
  {%- else -%}
    {%- set bound = dbt.dateadd(datepart, -lookback, 'max(' ~ column ~ ')') -%}
  {%- endif -%}
  {{- return('(' ~ column ~ ' >= (select ' ~ bound ~ ' from ' ~ this ~ ') or (select max(' ~ column ~ ') from ' ~ this ~ ') is null)') -}}
{% endmacro %}
