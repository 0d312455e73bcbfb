{#- Dialect pieces of the scd materialization: canonical text, hashing, UTC-naive timestamps.
    _scd_dialect returns them all from one dispatch per run (each macro a process calls costs a
    compile); templates hold `_pk_expr_` where the expression goes. raw_relation: the first scratch
    table's relation (make_temp_relation(target_relation, '__pk_scd_raw')); describe: read the
    columns with DuckDB's describe instead of adapter.get_columns_in_relation. delete_slow /
    delete_fast: str.format templates of the write's deletes (see _scd_replace_rows): all rows of
    the keys that are not fast, the open row of the fast ones; delete_slow_full, where set, when
    the table's rows were not staged (hard_deletes); write, where set, replaces the deletes and the
    insert with one statement (Snowflake). Text in a dict costs nearly nothing to
    compile, a Jinja branch per variant would cost every run. -#}

{% macro default___scd_dialect(target_relation) %}
  {{- return({
      'raw_relation': make_temp_relation(target_relation, '__pk_scd_raw'),
      'scratch': 'create temporary table',
      'text': 'cast(_pk_expr_ as ' ~ dbt.type_string() ~ ')',
      'ts_type': 'timestamp',
      'ts_text': "to_char(_pk_expr_, 'YYYY-MM-DD HH24:MI:SS.US')",
      'utc_naive': "cast((_pk_expr_) at time zone 'UTC' as timestamp)",
      'now_utc': "cast(now() at time zone 'UTC' as timestamp)",
      'key_match': 'hash',
      'row_id': none,
      'describe': false,
      'lock': none,
      'delete_slow': 'delete from {target} where {scd_key} in (select k._pk_key from {keys_relation} as k where not k._pk_fast);\n    ',
      'delete_fast': 'delete from {target} where {open_row} and {scd_key} in (select k._pk_key from {keys_relation} as k where k._pk_fast);\n    '}) -}}
{% endmacro %}

{# PostgreSQL: the default, plus each staged target row's ctid so the delete finds the replaced
   rows without another scan (the string type spelled out: dbt.type_string() is two more compiles);
   an incremental load locks the table against other writers first (share row exclusive: reads go
   on), since the ctids and versions it stages must still be the table's when it writes; to_char
   of 'infinity' is NULL, so scd_id falls back to the timestamp's own text there; a timestamptz is
   hashed as its UTC time (typed_text), since its text follows the session's TimeZone #}
{% macro postgres___scd_dialect(target_relation) %}
  {{- return({
      'raw_relation': make_temp_relation(target_relation, '__pk_scd_raw'),
      'scratch': 'create temporary table',
      'text': 'cast(_pk_expr_ as ' ~ api.Column.translate_type('string') ~ ')',
      'ts_type': 'timestamp',
      'ts_text': "coalesce(to_char(_pk_expr_, 'YYYY-MM-DD HH24:MI:SS.US'), cast(_pk_expr_ as text))",
      'utc_naive': "cast((_pk_expr_) at time zone 'UTC' as timestamp)",
      'now_utc': "cast(now() at time zone 'UTC' as timestamp)",
      'key_match': 'hash',
      'row_id': 'ctid',
      'describe': false,
      'lock': 'share row exclusive',
      'typed_text': {'timestamp with time zone': "coalesce(to_char(_pk_expr_ at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), cast(_pk_expr_ as text))"},
      'delete_slow': 'delete from {target} where ctid = any(array(select v._pk_rid from {target_rows} as v inner join {keys_relation} as k on v.{scd_key} = k._pk_key where not k._pk_fast));\n    ',
      'delete_fast': 'delete from {target} where ctid = any(array(select v._pk_rid from {target_rows} as v inner join {keys_relation} as k on v.{scd_key} = k._pk_key where k._pk_fast and v.{open_row}));\n    ',
      'delete_slow_full': 'delete from {target} where {scd_key} in (select k._pk_key from {keys_relation} as k);\n    '}) -}}
{% endmacro %}

{# DuckDB: strftime with %f (microseconds); timezone('UTC', timestamptz) gives the UTC wall-clock
   time (a timestamptz is hashed as it, typed_text: its text follows the session's TimeZone); a NULL-safe semi-join on the key columns is several times faster than on the text key hash;
   the scratch relation is dbt-duckdb's make_temp_relation inlined (saves three macro compiles);
   columns are read with describe in the staging round trip (see the materialization) #}
{% macro duckdb___scd_dialect(target_relation) %}
  {{- return({
      'raw_relation': target_relation.incorporate(path={'schema': none, 'database': none,
          'identifier': target_relation.identifier ~ '__pk_scd_raw' ~ modules.datetime.datetime.now().strftime('%Y%m%d%H%M%S%f')}),
      'scratch': 'create temporary table',
      'text': 'cast(_pk_expr_ as ' ~ api.Column.translate_type('string') ~ ')',
      'ts_type': 'timestamp',
      'ts_text': "strftime(_pk_expr_, '%Y-%m-%d %H:%M:%S.%f')",
      'utc_naive': "timezone('UTC', _pk_expr_)",
      'now_utc': "timezone('UTC', current_timestamp)",
      'key_match': 'columns',
      'row_id': none,
      'describe': true,
      'lock': none,
      'typed_text': {'timestamp with time zone': "strftime(timezone('UTC', _pk_expr_), '%Y-%m-%d %H:%M:%S.%f')"},
      'delete_slow': 'delete from {target} as t where {in_slow};\n    ',
      'delete_fast': 'delete from {target} as t where t.{open_row} and {in_fast};\n    '}) -}}
{% endmacro %}

{# Snowflake: a transient scratch table beside the target (the fakesnow emulator cannot create
   schema-qualified temporary tables, and transient tables are valid Snowflake); to_varchar keeps
   full precision of numbers, but a date, time or timestamp as the session's output format (by
   default milliseconds only; an account may set another), so those are hashed through typed_text,
   explicit formats by column type (nanoseconds; a zoned value as its UTC time); FF6 is six
   fractional digits; timestamp_ntz is explicit (plain TIMESTAMP follows
   a session parameter); sysdate() is the UTC time. dbt-snowflake runs every statement on its own
   (its begin/commit are no-ops) and a failed statement inside an explicit transaction would
   leave that transaction open on the reused connection, where the next node's DDL commits what
   it holds: the write is therefore one MERGE, atomic by itself (write: see _scd_replace_rows) #}
{% macro snowflake___scd_dialect(target_relation) %}
  {{- return({
      'raw_relation': make_temp_relation(target_relation, '__pk_scd_raw'),
      'scratch': 'create or replace transient table',
      'text': 'to_varchar(_pk_expr_)',
      'ts_type': 'timestamp_ntz',
      'ts_text': "to_char(_pk_expr_, 'YYYY-MM-DD HH24:MI:SS.FF6')",
      'utc_naive': "cast(convert_timezone('UTC', _pk_expr_) as timestamp_ntz)",
      'now_utc': 'sysdate()',
      'key_match': 'hash',
      'row_id': none,
      'describe': false,
      'lock': none,
      'typed_text': {'timestamp_ntz': "to_char(_pk_expr_, 'YYYY-MM-DD HH24:MI:SS.FF9')",
                     'timestamp_tz': "to_char(convert_timezone('UTC', _pk_expr_), 'YYYY-MM-DD HH24:MI:SS.FF9')",
                     'timestamp_ltz': "to_char(convert_timezone('UTC', _pk_expr_), 'YYYY-MM-DD HH24:MI:SS.FF9')",
                     'date': "to_char(_pk_expr_, 'YYYY-MM-DD')", 'time': "to_char(_pk_expr_, 'HH24:MI:SS.FF9')"},
      'write': 'merge into {target} as t\n    using (\n      select k._pk_key as _pk_del, k._pk_fast as _pk_fast, {nulls} from {keys_relation} as k\n      union all\n      select null, null, {columns} from {new_relation}\n    ) as s\n    on {on}\n    when matched then delete\n    when not matched and s._pk_del is null then insert ({columns}) values ({values})'}) -}}
{% endmacro %}

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
    from every value (so NULL -> value and value -> NULL are changes). The materialization builds
    the same encoding in _scd_resolve_columns; test_scd2_integrity uses this one. -#}
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
