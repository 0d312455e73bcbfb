{#- Writing helpers of the scd materialization (one transaction for delete + insert). -#}

{% macro _scd_rows_sql(arg_dict) %}
  {%- if arg_dict.cfg.scd_type == 3 -%}
    {{- return(pipeline_kit._scd3_rows_sql(arg_dict)) -}}
  {%- endif -%}
  {{- return(pipeline_kit._scd_new_rows_sql(arg_dict)) -}}
{% endmacro %}

{#- The table must still have every column of the batch (no silent schema drift). Returns the
    table's quoted column list for the insert (one look-up of the table's columns per run). -#}
{% macro _scd_check_target_columns(arg_dict, columns) %}
  {%- set existing = [] -%}
  {%- set quoted = [] -%}
  {%- for column in columns -%}
    {%- do existing.append(column.name | lower) -%}
    {%- do quoted.append(adapter.quote(column.name)) -%}
  {%- endfor -%}
  {%- set missing = [] -%}
  {%- if arg_dict.cfg.names.scd_key | lower not in existing -%}
    {{ pipeline_kit._raise('scd', 'the table has no ' ~ arg_dict.cfg.names.scd_key ~ ' column (not built by this materialization, or renamed); run with --full-refresh', arg_dict.target) }}
  {%- endif -%}
  {%- for name in arg_dict.cols.payload if name | lower not in existing -%}
    {%- do missing.append(name) -%}
  {%- endfor -%}
  {%- if missing -%}
    {{ pipeline_kit._raise('scd', 'the model has columns the table lacks; run with --full-refresh to rebuild history', missing | join(', ')) }}
  {%- endif -%}
  {{- return(quoted | join(', ')) -}}
{% endmacro %}

{#- Stage the touched keys' new rows, then replace the keys' rows: delete + insert in the open
    transaction. `columns` is the table's column list. -#}
{% macro _scd_replace_rows(arg_dict, new_relation, columns) %}
  {{- return(adapter.dispatch('_scd_replace_rows', 'pipeline_kit')(arg_dict, new_relation, columns)) -}}
{% endmacro %}

{% macro default___scd_replace_rows(arg_dict, new_relation, columns) %}
  {#- one round trip: the scratch table, the delete and the insert -#}
  {%- call statement('main') -%}
    {{ pipeline_kit._scd_create_scratch(new_relation, pipeline_kit._scd_rows_sql(arg_dict)) }};
    {{ pipeline_kit._scd_delete_touched_sql(arg_dict) }};
    insert into {{ arg_dict.target }} ({{ columns }})
    select {{ columns }} from {{ new_relation }}
  {%- endcall -%}
{% endmacro %}

{# Snowflake: DDL commits an open transaction, so the scratch table comes first; dbt's begin/commit
   are no-ops (autocommit), so the transaction is opened explicitly (committed in _scd_commit) #}
{% macro snowflake___scd_replace_rows(arg_dict, new_relation, columns) %}
  {%- call statement('scd_stage_rows') -%}
    {{ pipeline_kit._scd_create_scratch(new_relation, pipeline_kit._scd_rows_sql(arg_dict)) }}
  {%- endcall -%}
  {%- call statement('scd_begin') -%}
    begin
  {%- endcall -%}
  {%- call statement('main') -%}
    {{ pipeline_kit._scd_delete_touched_sql(arg_dict) }};
    insert into {{ arg_dict.target }} ({{ columns }})
    select {{ columns }} from {{ new_relation }}
  {%- endcall -%}
{% endmacro %}

{% macro _scd_delete_touched_sql(arg_dict) %}
  {{- return(adapter.dispatch('_scd_delete_touched_sql', 'pipeline_kit')(arg_dict)) -}}
{% endmacro %}

{% macro default___scd_delete_touched_sql(arg_dict) %}
  delete from {{ arg_dict.target }}
  where {{ arg_dict.cfg.names.scd_key }} in (select k._pk_key from {{ arg_dict.keys_relation }} as k)
{% endmacro %}

{# PostgreSQL: the staged rows' ctids (a TID scan; the table is not scanned again) #}
{% macro postgres___scd_delete_touched_sql(arg_dict) %}
  {%- if arg_dict.target_rows == arg_dict.target -%}
    {{- return(pipeline_kit.default___scd_delete_touched_sql(arg_dict)) -}}
  {%- endif %}
  delete from {{ arg_dict.target }}
  where ctid = any(array(
    select v._pk_rid from {{ arg_dict.target_rows }} as v
    where v.{{ arg_dict.cfg.names.scd_key }} in (select k._pk_key from {{ arg_dict.keys_relation }} as k)
  ))
{% endmacro %}

{# DuckDB: match on the key columns (see duckdb___scd_key_in) #}
{% macro duckdb___scd_delete_touched_sql(arg_dict) %}
  delete from {{ arg_dict.target }} as t
  where {{ pipeline_kit._scd_key_in(arg_dict, 't', arg_dict.keys_relation) }}
{% endmacro %}

{#- Drop the scratch tables in one round trip. -#}
{% macro _scd_drop_scratch(relations) %}
  {%- set drops = [] -%}
  {%- for relation in relations -%}
    {%- do drops.append('drop table if exists ' ~ relation) -%}
  {%- endfor -%}
  {%- call statement('scd_drop_scratch', auto_begin=False) -%}
    {{ drops | join(';\n') }}
  {%- endcall -%}
{% endmacro %}

{% macro _scd_commit() %}
  {{- return(adapter.dispatch('_scd_commit', 'pipeline_kit')()) -}}
{% endmacro %}

{% macro default___scd_commit() %}
  {{ adapter.commit() }}
{% endmacro %}

{# Snowflake: commit the explicit transaction (a no-op when none is open) #}
{% macro snowflake___scd_commit() %}
  {%- call statement('scd_commit') -%}
    commit
  {%- endcall -%}
{% endmacro %}

{#- SCD3: the type-1 row (latest values, first_seen_at, last_changed_at) plus, per configured
    attribute, its previous value and when the current value began. Each attribute's history is
    re-derived from the stored (previous, current) pair and the batch, ordered by time, so late
    changes land in the right place and a re-run changes nothing. -#}
{% macro _scd3_rows_sql(arg_dict) %}
  {%- set cfg = arg_dict.cfg -%}
  {%- set n = cfg.names -%}
  {%- set ts_type = pipeline_kit._naive_timestamp_type() -%}
  with scd1 as (
    {{ pipeline_kit._scd_new_rows_sql(arg_dict) }}
  ),
  {%- if arg_dict.has_target %}

  tgt as (
    select t.*, t.{{ n.scd_key }} as _pk_key, {{ pipeline_kit._scd_ts_of(arg_dict, 't') }} as _pk_upd
    from {{ arg_dict.target }} as t
    where {{ pipeline_kit._scd_key_in(arg_dict, 't', arg_dict.keys_relation) }}
  ),
  {%- endif %}
  {%- for attribute in arg_dict.cols.scd3 %}
  {%- set a = adapter.quote(attribute) %}
  {%- set prev = n.previous_prefix ~ attribute | lower %}
  {%- set changed = attribute | lower ~ n.changed_at_suffix %}

  a{{ loop.index }}_events as (
    {%- if arg_dict.has_target %}
    select t._pk_key, t.{{ n.first_seen_at }} as _pk_ts, t.{{ prev }} as _pk_val, 0 as _pk_origin
    from tgt as t
    where t.{{ changed }} is not null
    union all
    select t._pk_key, coalesce(t.{{ changed }}, t.{{ n.first_seen_at }}), t.{{ a }}, 1
    from tgt as t
    union all
    select t._pk_key, t._pk_upd, t.{{ a }}, 1
    from tgt as t
    union all
    {%- endif %}
    select s._pk_key, s._pk_ts, s.{{ a }} as _pk_val, 3 as _pk_origin
    from {{ arg_dict.source }} as s
    {%- if arg_dict.has_target %}
    where s._pk_key in (select k._pk_key from {{ arg_dict.keys_relation }} as k)
    {%- endif %}
  ),

  a{{ loop.index }}_one as (
    select e.*, {{ pipeline_kit._scd_hash(['e._pk_val']) }} as _pk_hash
    from (
      select e0.*, row_number() over (partition by e0._pk_key, e0._pk_ts order by e0._pk_origin desc) as _pk_rn
      from a{{ loop.index }}_events as e0
    ) as e
    where e._pk_rn = 1
  ),

  a{{ loop.index }}_runs as (
    select
      m.*,
      sum(m._pk_new) over (partition by m._pk_key order by m._pk_ts rows between unbounded preceding and current row) as _pk_run
    from (
      select o.*, case when lag(o._pk_hash) over (partition by o._pk_key order by o._pk_ts) = o._pk_hash then 0 else 1 end as _pk_new
      from a{{ loop.index }}_one as o
    ) as m
  ),

  a{{ loop.index }}_starts as (
    select
      r._pk_key,
      r._pk_ts as _pk_start,
      lag(r._pk_val) over (partition by r._pk_key order by r._pk_ts) as _pk_prev,
      row_number() over (partition by r._pk_key order by r._pk_ts desc) as _pk_last,
      r._pk_run
    from a{{ loop.index }}_runs as r
    where r._pk_new = 1
  ),

  a{{ loop.index }}_state as (
    select
      s._pk_key,
      s._pk_prev as {{ prev }},
      case when s._pk_run > 1 then s._pk_start end as {{ changed }}
    from a{{ loop.index }}_starts as s
    where s._pk_last = 1
  ),
  {%- endfor %}

  keyed as (
    select x.*, x.{{ n.scd_key }} as _pk_key from scd1 as x
  )

  select
    {{ pipeline_kit._scd_prefixed('k', arg_dict.cols.payload) }},
    k.{{ n.first_seen_at }},
    k.{{ n.last_changed_at }},
    {%- for attribute in arg_dict.cols.scd3 %}
    a{{ loop.index }}.{{ n.previous_prefix ~ attribute | lower }},
    cast(a{{ loop.index }}.{{ attribute | lower ~ n.changed_at_suffix }} as {{ ts_type }}) as {{ attribute | lower ~ n.changed_at_suffix }},
    {%- endfor %}
    {%- if cfg.hard_deletes == 'new_record' %}
    k.{{ n.is_deleted }},
    {%- endif %}
    k.{{ n.scd_hash }},
    k.{{ n.scd_key }}
  from keyed as k
  {%- for attribute in arg_dict.cols.scd3 %}
  left join a{{ loop.index }}_state as a{{ loop.index }} on k._pk_key = a{{ loop.index }}._pk_key
  {%- endfor %}
{% endmacro %}

{#- Scratch tables for the staged batch, touched keys and new rows: session-temporary. -#}
{% macro _scd_create_scratch(relation, sql) %}
  {{- return(adapter.dispatch('_scd_create_scratch', 'pipeline_kit')(relation, sql)) -}}
{% endmacro %}

{% macro default___scd_create_scratch(relation, sql) %}
  {#- plain text (no trailing semicolon), so statements can follow in the same round trip -#}
  {{- return('create temporary table ' ~ relation ~ ' as (\n' ~ sql ~ '\n)') -}}
{% endmacro %}

{# Snowflake: a transient table beside the target (dropped at the end); the fakesnow emulator
   cannot create schema-qualified temporary tables, and transient tables are valid Snowflake #}
{% macro snowflake___scd_create_scratch(relation, sql) %}
  {{- return('create or replace transient table ' ~ relation ~ ' as (\n' ~ sql ~ '\n)') -}}
{% endmacro %}
