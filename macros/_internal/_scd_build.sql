{#- SQL builders of the scd materialization. Every load works on the keys the batch touches:
    their existing rows are turned back into change events, unioned with the batch's changes,
    ordered by change time, collapsed where consecutive states are identical, and re-cut into
    versions. That one path handles several changes per key in a batch, late (out-of-order)
    changes, deletes and re-appearances, and makes a re-run a no-op.
    All helpers take one `arg_dict`: cfg (from _scd_config), cols (from _scd_resolve_columns),
    and the relations they read. Internal columns are named _pk_*. -#}

{% macro _scd_q(names) %}
  {%- set quoted = [] -%}
  {%- for name in names -%}
    {%- do quoted.append(adapter.quote(name)) -%}
  {%- endfor -%}
  {{- return(quoted) -}}
{% endmacro %}

{% macro _scd_prefixed(alias, names) %}
  {%- set out = [] -%}
  {%- for name in pipeline_kit._scd_q(names) -%}
    {%- do out.append(alias ~ '.' ~ name) -%}
  {%- endfor -%}
  {{- return(out | join(', ')) -}}
{% endmacro %}

{% macro _scd_key_hash(arg_dict, alias) %}
  {%- set exprs = [] -%}
  {%- for name in pipeline_kit._scd_q(arg_dict.cols['keys']) -%}
    {%- do exprs.append(alias ~ '.' ~ name) -%}
  {%- endfor -%}
  {{- return(pipeline_kit._scd_hash(exprs)) -}}
{% endmacro %}

{% macro _scd_ts_of(arg_dict, alias) %}
  {{- return(pipeline_kit._scd_utc_naive(alias ~ '.' ~ adapter.quote(arg_dict.cols.updated_at), arg_dict.cols.updated_at_type)) -}}
{% endmacro %}

{#- The batch: one row per key and change time, with its key hash, change time (UTC naive) and
    tracked-state hash. Exact duplicates collapse; two different rows for one key and time keep
    the one with the greater whole-row hash (deterministic on every run). Rows with a NULL
    change time are not changes and are skipped. -#}
{% macro _scd_stage_source_sql(arg_dict) %}
  {%- set cols = arg_dict.cols -%}
  {%- set tracked = [] -%}
  {%- for name in pipeline_kit._scd_q(cols.tracked) -%}
    {%- do tracked.append('s.' ~ name) -%}
  {%- endfor -%}
  {%- set everything = [] -%}
  {%- for name in pipeline_kit._scd_q(cols.payload) -%}
    {%- do everything.append('s.' ~ name) -%}
  {%- endfor -%}
  {%- set payload = pipeline_kit._scd_prefixed('r', cols.payload) -%}
  select {{ payload }}, r._pk_key, r._pk_ts, r._pk_hash
  from (
    select
      h.*,
      row_number() over (partition by h._pk_key, h._pk_ts order by h._pk_row desc) as _pk_rn
    from (
      select
        {{ pipeline_kit._scd_prefixed('s', cols.payload) }},
        {{ pipeline_kit._scd_key_hash(arg_dict, 's') }} as _pk_key,
        {{ pipeline_kit._scd_ts_of(arg_dict, 's') }} as _pk_ts,
        {{ pipeline_kit._scd_hash(tracked) }} as _pk_hash,
        {{ pipeline_kit._scd_hash(everything) }} as _pk_row
      from {{ arg_dict.raw_relation }} as s
      where s.{{ adapter.quote(cols.updated_at) }} is not null
    ) as h
  ) as r
  where r._pk_rn = 1
{% endmacro %}

{#- A predicate: the target row `alias` has a key that is in `relation` (which has _pk_key and
    the key columns). -#}
{% macro _scd_key_in(arg_dict, alias, relation) %}
  {{- return(adapter.dispatch('_scd_key_in', 'pipeline_kit')(arg_dict, alias, relation)) -}}
{% endmacro %}

{% macro default___scd_key_in(arg_dict, alias, relation) %}
  {{- return(alias ~ '.' ~ arg_dict.cfg.names.scd_key ~ ' in (select k._pk_key from ' ~ relation ~ ' as k)') -}}
{% endmacro %}

{# DuckDB: a NULL-safe semi-join on the key columns is several times faster than on the text key hash #}
{% macro duckdb___scd_key_in(arg_dict, alias, relation) %}
  {%- set parts = [] -%}
  {%- for name in pipeline_kit._scd_q(arg_dict.cols['keys']) -%}
    {%- do parts.append(alias ~ '.' ~ name ~ ' is not distinct from k.' ~ name) -%}
  {%- endfor -%}
  {{- return('exists (select 1 from ' ~ relation ~ ' as k where ' ~ (parts | join(' and ')) ~ ')') -}}
{% endmacro %}

{#- The table's rows of the batch's keys, read once per load: the later steps read this copy, not
    the table (matched through _scd_key_in: the stored key hash, no rehashing). -#}
{% macro _scd_stage_target_sql(arg_dict) %}
  {{- return(adapter.dispatch('_scd_stage_target_sql', 'pipeline_kit')(arg_dict)) -}}
{% endmacro %}

{% macro default___scd_stage_target_sql(arg_dict) %}
  select t.* from {{ arg_dict.target }} as t
  where {{ pipeline_kit._scd_key_in(arg_dict, 't', arg_dict.source) }}
{% endmacro %}

{# PostgreSQL: keep each row's ctid, so the delete finds the replaced rows without another scan #}
{% macro postgres___scd_stage_target_sql(arg_dict) %}
  select t.*, t.ctid as _pk_rid from {{ arg_dict.target }} as t
  where {{ pipeline_kit._scd_key_in(arg_dict, 't', arg_dict.source) }}
{% endmacro %}

{#- The table's rows (target_rows: the table, or its staged rows of the batch's keys) as versions:
    _pk_vf/_pk_vt (NULL = open), _pk_del, _pk_hash, _pk_upd (the latest change time the version
    has absorbed). SCD1 rows are one open version each, starting at last_changed_at. -#}
{% macro _scd_target_versions_sql(arg_dict, where_touched) %}
  {%- set n = arg_dict.cfg.names -%}
  {%- set cfg = arg_dict.cfg -%}
  select
    {{ pipeline_kit._scd_prefixed('t', arg_dict.cols.payload) }},
    t.{{ n.scd_key }} as _pk_key,
    {%- if cfg.scd_type == 2 %}
    t.{{ n.valid_from }} as _pk_vf,
    {%- if cfg.open_end %}
    case when t.{{ n.valid_to }} = {{ cfg.open_end }} then null else t.{{ n.valid_to }} end as _pk_vt,
    {%- else %}
    t.{{ n.valid_to }} as _pk_vt,
    {%- endif %}
    {%- else %}
    t.{{ n.last_changed_at }} as _pk_vf,
    t.{{ n.first_seen_at }} as _pk_first,
    cast(null as {{ pipeline_kit._naive_timestamp_type() }}) as _pk_vt,
    {%- endif %}
    {%- if cfg.hard_deletes == 'new_record' %}
    t.{{ n.is_deleted }} as _pk_del,
    {%- else %}
    false as _pk_del,
    {%- endif %}
    t.{{ n.scd_hash }} as _pk_hash,
    {{ pipeline_kit._scd_ts_of(arg_dict, 't') }} as _pk_upd
  from {{ arg_dict.target_rows }} as t
  {%- if where_touched == 'keys' %}
  where {{ pipeline_kit._scd_key_in(arg_dict, 't', arg_dict.keys_relation) }}
  {%- endif %}
{% endmacro %}

{#- Keys the batch touches (key hash and key columns), with why: _pk_gone (live key absent from
    a full-snapshot source) and _pk_back (a deleted key present again). A batch row already
    contained in the table (same state inside a version that has absorbed a change at least as
    new) touches nothing. -#}
{% macro _scd_touched_keys_sql(arg_dict) %}
  {%- set deletes = arg_dict.cfg.hard_deletes != 'ignore' -%}
  {%- set key_cols = arg_dict.cols['keys'] -%}
  with tgt as (
    {#- deletes need every live key (the table); otherwise target_rows holds only the batch's keys' rows #}
    {{ pipeline_kit._scd_target_versions_sql(arg_dict, none) }}
  ),

  changed as (
    select s._pk_key, {{ pipeline_kit._scd_prefixed('s', key_cols) }}, 0 as _pk_gone, 0 as _pk_back
    from {{ arg_dict.source }} as s
    where not exists (
      select 1 from tgt as t
      where t._pk_key = s._pk_key
        and t._pk_hash = s._pk_hash
        and not t._pk_del
        and (
          t._pk_upd = s._pk_ts
          or (t._pk_vf <= s._pk_ts and (t._pk_vt is null or s._pk_ts < t._pk_vt) and t._pk_upd >= s._pk_ts)
        )
    )
  )
  {%- if deletes %},

  live as (
    select t._pk_key, {{ pipeline_kit._scd_prefixed('t', key_cols) }} from tgt as t where t._pk_vt is null and not t._pk_del
  ),

  gone as (
    select l._pk_key, {{ pipeline_kit._scd_prefixed('l', key_cols) }}, 1 as _pk_gone, 0 as _pk_back
    from live as l
    where not exists (select 1 from {{ arg_dict.source }} as s where s._pk_key = l._pk_key)
  ),

  back as (
    select distinct s._pk_key, {{ pipeline_kit._scd_prefixed('s', key_cols) }}, 0 as _pk_gone, 1 as _pk_back
    from {{ arg_dict.source }} as s
    where exists (select 1 from tgt as t where t._pk_key = s._pk_key)
      and not exists (select 1 from live as l where l._pk_key = s._pk_key)
  )
  {%- endif %}

  select u._pk_key, {{ pipeline_kit._scd_prefixed('u', key_cols) }}, max(u._pk_gone) as _pk_gone, max(u._pk_back) as _pk_back
  from (
    select * from changed
    {%- if deletes %}
    union all
    select * from gone
    union all
    select * from back
    {%- endif %}
  ) as u
  group by u._pk_key, {{ pipeline_kit._scd_prefixed('u', key_cols) }}
{% endmacro %}

{#- The change events of the touched keys, then versions: one row per state run. `hash_expr`
    lets SCD3 run the same logic per attribute. Output CTE: `ranged` with _pk_vf/_pk_vt. -#}
{% macro _scd_events_sql(arg_dict) %}
  {%- set cfg = arg_dict.cfg -%}
  {%- set payload = pipeline_kit._scd_prefixed('t', arg_dict.cols.payload) -%}
  {%- set spayload = pipeline_kit._scd_prefixed('s', arg_dict.cols.payload) -%}
  {%- set deletes = cfg.hard_deletes != 'ignore' -%}
  {%- if arg_dict.has_target %}
  tgt_v as (
    select v.*, lead(v._pk_vf) over (partition by v._pk_key order by v._pk_vf) as _pk_next_vf
    from ({{ pipeline_kit._scd_target_versions_sql(arg_dict, 'keys') }}) as v
  ),
  {%- endif %}

  events as (
    {%- if arg_dict.has_target %}
    -- each existing version starts a state
    select {{ payload }}, t._pk_key, t._pk_vf as _pk_ts, t._pk_hash, t._pk_del, t._pk_upd, 1 as _pk_origin
    from tgt_v as t
    union all
    -- the newest change a version absorbed: kept as an event so a late change that splits the
    -- version still leaves the right state after it
    select {{ payload }}, t._pk_key, t._pk_upd, t._pk_hash, t._pk_del, t._pk_upd, 1
    from tgt_v as t
    where not t._pk_del and t._pk_upd > t._pk_vf and (t._pk_vt is null or t._pk_upd < t._pk_vt)
    union all
    -- a version closed without a successor: the key was deleted at its end
    select {{ payload }}, t._pk_key, t._pk_vt, 'deleted', true, t._pk_vt, 2
    from tgt_v as t
    where t._pk_vt is not null and not t._pk_del and (t._pk_next_vf is null or t._pk_next_vf <> t._pk_vt)
    {%- if cfg.scd_type != 2 %}
    union all
    -- SCD1/3 keep when a key was first seen: an event that never becomes the current state
    select {{ payload }}, t._pk_key, t._pk_first, 'first_seen', t._pk_del, t._pk_first, 0
    from tgt_v as t
    where t._pk_first < t._pk_vf
    {%- endif %}
    {%- if deletes %}
    union all
    -- deleted now: a live key is missing from the full-snapshot source
    select {{ payload }}, t._pk_key, {{ cfg.load_ts }}, 'deleted', true, {{ cfg.load_ts }}, 2
    from tgt_v as t
    where t._pk_vt is null and not t._pk_del
      and t._pk_key in (select k._pk_key from {{ arg_dict.keys_relation }} as k where k._pk_gone = 1)
    union all
    -- back now: a deleted key is in the source again; its latest row is a new state from the load time
    select {{ spayload }}, s._pk_key, {{ cfg.load_ts }}, s._pk_hash, false, {{ cfg.load_ts }}, 3
    from (
      select x.*, row_number() over (partition by x._pk_key order by x._pk_ts desc) as _pk_latest
      from {{ arg_dict.source }} as x
      where x._pk_key in (select k._pk_key from {{ arg_dict.keys_relation }} as k where k._pk_back = 1)
    ) as s
    where s._pk_latest = 1
    {%- endif %}
    union all
    {%- endif %}
    -- the batch's changes
    select {{ spayload }}, s._pk_key, s._pk_ts, s._pk_hash, false as _pk_del, s._pk_ts as _pk_upd, 3 as _pk_origin
    from {{ arg_dict.source }} as s
    {%- if arg_dict.has_target %}
    where s._pk_key in (select k._pk_key from {{ arg_dict.keys_relation }} as k)
    {%- endif %}
  ),

  -- one event per key and time: the newest information wins (batch > deletion > table)
  one_per_ts as (
    select e.* from (
      select e0.*, row_number() over (partition by e0._pk_key, e0._pk_ts order by e0._pk_origin desc, e0._pk_hash desc) as _pk_rn
      from events as e0
    ) as e
    where e._pk_rn = 1
  ),

  -- a new version starts wherever the state differs from the previous event's
  marked as (
    select
      o.*,
      case when lag(o._pk_hash) over (partition by o._pk_key order by o._pk_ts) = o._pk_hash then 0 else 1 end as _pk_new
    from one_per_ts as o
  ),

  runs as (
    select
      m.*,
      sum(m._pk_new) over (partition by m._pk_key order by m._pk_ts rows between unbounded preceding and current row) as _pk_run
    from marked as m
  ),

  -- a version starts at its first event and carries its newest event's values
  versions as (
    select
      r.*,
      min(r._pk_ts) over (partition by r._pk_key, r._pk_run) as _pk_vf,
      {%- if cfg.scd_type != 2 %}
      min(r._pk_ts) over (partition by r._pk_key) as _pk_first_ts,
      {%- endif %}
      row_number() over (partition by r._pk_key, r._pk_run order by r._pk_upd desc, r._pk_ts desc) as _pk_pick
    from runs as r
  ),

  ranged as (
    select
      c.*,
      lead(c._pk_vf) over (partition by c._pk_key order by c._pk_vf) as _pk_vt
    from versions as c
    where c._pk_pick = 1
  )
{% endmacro %}

{#- Final rows of the touched keys, in the target's column order. -#}
{% macro _scd_new_rows_sql(arg_dict) %}
  {%- set cfg = arg_dict.cfg -%}
  {%- set n = cfg.names -%}
  {%- set ts_type = pipeline_kit._naive_timestamp_type() -%}
  with {{ pipeline_kit._scd_events_sql(arg_dict) }}
  select
    {{ pipeline_kit._scd_prefixed('v', arg_dict.cols.payload) }},
  {%- if cfg.scd_type == 2 %}
    md5({{ pipeline_kit._scd_encode(pipeline_kit._scd_alias_list('v', arg_dict.cols['keys'])) }} || '|' || {{ pipeline_kit._scd_ts_text('v._pk_vf') }}) as {{ n.scd_id }},
    cast(v._pk_vf as {{ ts_type }}) as {{ n.valid_from }},
    cast({% if cfg.open_end %}coalesce(v._pk_vt, {{ cfg.open_end }}){% else %}v._pk_vt{% endif %} as {{ ts_type }}) as {{ n.valid_to }},
    v._pk_vt is null as {{ n.is_current }},
  {%- else %}
    cast(v._pk_first_ts as {{ ts_type }}) as {{ n.first_seen_at }},
    cast(v._pk_vf as {{ ts_type }}) as {{ n.last_changed_at }},
  {%- endif %}
  {%- if cfg.hard_deletes == 'new_record' %}
    v._pk_del as {{ n.is_deleted }},
  {%- endif %}
    v._pk_hash as {{ n.scd_hash }},
    v._pk_key as {{ n.scd_key }}
  from ranged as v
  where v._pk_hash <> 'first_seen'
  {%- if cfg.hard_deletes != 'new_record' %}
    and not v._pk_del
  {%- endif %}
  {%- if cfg.scd_type != 2 %}
    and v._pk_vt is null
  {%- endif %}
{% endmacro %}

{% macro _scd_alias_list(alias, names) %}
  {%- set out = [] -%}
  {%- for name in pipeline_kit._scd_q(names) -%}
    {%- do out.append(alias ~ '.' ~ name) -%}
  {%- endfor -%}
  {{- return(out) -}}
{% endmacro %}
