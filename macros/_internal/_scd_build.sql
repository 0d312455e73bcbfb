{#- SQL builders of the scd materialization. Every load works on the keys the batch touches:
    their existing rows are turned back into change events, unioned with the batch's changes,
    ordered by change time, collapsed where consecutive states are identical, and re-cut into
    versions. That one path handles several changes per key in a batch, late (out-of-order)
    changes, deletes and re-appearances, and makes a re-run a no-op.
    All builders take one `arg_dict`: cfg (from _scd_config), d (from _scd_dialect) and cols (the
    columns, relations and SQL fragments from _scd_resolve_columns). Their SQL is text with
    str.format fields ({pay_t}: see _scd_resolve_columns) filled in from cols. Internal columns are
    named _pk_*. -#}

{#- The staging statements. Always the batch (scratch `source`): one row per key and change time,
    with its key hash, change time (UTC naive) and tracked-state hash. Exact duplicates collapse;
    two different rows for one key and time keep the one with the greater whole-row hash
    (deterministic on every run). Rows with a NULL change time are not changes and are skipped.
    With a table (target_columns given): first checks that the table still has every column of the
    batch (no silent schema drift; its column list is kept for the insert), then stages the table's
    rows of the batch's keys once (target_rows: the later steps read this copy, not the table; not
    with hard deletes, which compare the whole table), the keys the batch touches, and counts them. -#}
{% macro _scd_stage_sql(arg_dict, target_columns=none) %}
  {%- set cfg, cols = arg_dict.cfg, arg_dict.cols -%}
  {%- set source_sql -%}
  {scratch} {source} as (
  select {pay_r}, r._pk_key, r._pk_ts, r._pk_hash{{ ', r._pk_row' if cfg.strategy == 'check' }}
  from (
    select
      h.*,
      row_number() over (partition by h._pk_key, h._pk_ts order by h._pk_row desc) as _pk_rn
    from (
      select
        {pay_s},
        md5({enc_key}) as _pk_key,
        {ts_s} as _pk_ts,
        md5({enc_state}) as _pk_hash,
        md5({enc_row}) as _pk_row
      from {raw_relation} as s
      where s.{updated_at} is not null
    ) as h
  ) as r
  where r._pk_rn = 1
  )
  {%- endset -%}
  {%- if target_columns is none -%}
    {{- return(source_sql.format(**cols)) -}}
  {%- endif -%}
  {%- do pipeline_kit._scd_check_table_columns(arg_dict, target_columns) -%}
  {%- set quoted = [] -%}
  {%- for column in target_columns -%}
    {%- do quoted.append(adapter.quote(column.name)) -%}
  {%- endfor -%}
  {%- do arg_dict.update({'columns': quoted | join(', '), 'column_list': quoted}) -%}

  {#- The table's rows (target_rows) as versions: _pk_vf/_pk_vt (NULL = open: an SCD2 row flagged
      is_current, whatever end it was written with, so a changed `open_end` reads the rows written
      with the former one, NULL or a date, as open), _pk_del, _pk_hash,
      _pk_upd (the latest change time the version has absorbed). SCD1 rows are one open version
      each, starting at last_changed_at. Kept in cols (field {versions}) for _scd_new_rows_sql.
      _pk_hash is the stored row's state hashed now, in this session, over the tracked columns
      configured now, not the stored scd_hash: a changed check_cols or strategy, or a session
      that writes timestamps as text in another zone or style, then makes no version of an
      unchanged row (the batch is hashed the same way, its columns cast to the table's types
      where they differ: see _scd_cast_state) -#}
  {%- set versions -%}
  select
    {pay_t},
    t.{scd_key} as _pk_key,
    {%- if cfg.scd_type == 2 %}
    t.{valid_from} as _pk_vf,
    case when t.{is_current} then null else t.{valid_to} end as _pk_vt,
    {%- else %}
    t.{last_changed_at} as _pk_vf,
    t.{first_seen_at} as _pk_first,
    cast(null as {ts_type}) as _pk_vt,
    {%- endif %}
    {%- if cfg.hard_deletes == 'new_record' %}
    t.{is_deleted} as _pk_del,
    case when t.{is_deleted} then 'deleted' else md5({enc_state_t}) end as _pk_hash,
    {%- else %}
    false as _pk_del,
    md5({enc_state_t}) as _pk_hash,
    {%- endif %}
    {%- if cfg.strategy == 'check' %}
    md5({enc_row_t}) as _pk_row,
    {%- endif %}
    {ts_t} as _pk_upd
  from {target_rows} as t
  {%- endset -%}
  {%- do cols.update(versions=versions.format(**cols)) -%}
  {%- set deletes = cfg.hard_deletes != 'ignore' -%}
  {%- set fast = cfg.scd_type == 2 and not deletes -%}
  {%- set sql -%}
  {{ source_sql }};
  {%- if not deletes %}
  {#- only the columns the versions read: a cold read of the table's stored hashes (scd_id) costs
      more than the join -#}
  {scratch} {target_rows} as (
  select {pay_t}, t.{scd_key}, {{ 't.{valid_from}, t.{valid_to}, t.{is_current}' if cfg.scd_type == 2 else 't.{last_changed_at}, t.{first_seen_at}' }}
    {{- (', t.' ~ arg_dict.d.row_id ~ ' as _pk_rid') if arg_dict.d.row_id }}
  from {target} as t
  where {in_source}
  );
  {%- endif %}
  {#- Keys the batch touches (key hash and key columns), with why: _pk_gone (live key absent from
      a full-snapshot source) and _pk_back (a deleted key present again). A batch row already
      contained in the table (same state inside a version that has absorbed a change at least as
      new) touches nothing. -#}
  {scratch} {keys_relation} as (
  with tgt as (
    {versions}
  ),

  changed as (
    select s._pk_key, {keys_s}, 0 as _pk_gone, 0 as _pk_back
    from {source} as s
    where not exists (
      select 1 from tgt as t
      where t._pk_key = s._pk_key
        and t._pk_hash = s._pk_hash
        and not t._pk_del
        {%- if cfg.strategy == 'check' %}
        -- untracked columns are the version's newest values: a row of the same time as the
        -- version's newest observation is contained only when it holds the same values
        and (
          (t._pk_upd = s._pk_ts and t._pk_row = s._pk_row)
          or (t._pk_vf <= s._pk_ts and (t._pk_vt is null or s._pk_ts < t._pk_vt) and t._pk_upd > s._pk_ts)
        )
        {%- else %}
        and (
          t._pk_upd = s._pk_ts
          or (t._pk_vf <= s._pk_ts and (t._pk_vt is null or s._pk_ts < t._pk_vt) and t._pk_upd >= s._pk_ts)
        )
        {%- endif %}
    )
  )
  {%- if deletes %},

  live as (
    select t._pk_key, {keys_t} from tgt as t where t._pk_vt is null and not t._pk_del
  ),

  {%- if not cfg.partial_source %}

  -- a key whose rows in the select all lack a change time is there (no change, not a delete):
  -- the staged batch skips such rows, so they are looked up in the select itself
  gone as (
    select l._pk_key, {keys_l}, 1 as _pk_gone, 0 as _pk_back
    from live as l
    where not exists (select 1 from {source} as s where s._pk_key = l._pk_key)
      and not exists (select 1 from {raw_relation} as s where s.{updated_at} is null and md5({enc_key}) = l._pk_key)
  ),
  {%- endif %}

  back as (
    select distinct s._pk_key, {keys_s}, 0 as _pk_gone, 1 as _pk_back
    from {source} as s
    where exists (select 1 from tgt as t where t._pk_key = s._pk_key)
      and not exists (select 1 from live as l where l._pk_key = s._pk_key)
  )
  {%- endif %}

  {%- if fast %},

  -- SCD2 without deletes, the common case: a key whose one change in the batch is newer than
  -- everything stored for it, where the latest stored version is open and holds another state
  -- (or a key not stored yet), is `fast`: its open version ends at the change and the change is
  -- the new open version; its other versions stay as they are (see _scd_replace_rows)
  batch_one as (
    select s._pk_key, min(s._pk_ts) as _pk_ts, min(s._pk_hash) as _pk_hash, count(*) as _pk_n
    from {source} as s
    group by s._pk_key
  ),

  stored as (
    select
      t._pk_key,
      -- coalesce: on Snowflake greatest() is NULL when any argument is (DuckDB and PostgreSQL skip NULLs)
      max(greatest(t._pk_vf, coalesce(t._pk_upd, t._pk_vf), coalesce(t._pk_vt, t._pk_vf))) as _pk_last,
      sum(case when t._pk_vt is null then 1 else 0 end) as _pk_open,
      max(case when t._pk_vt is null then t._pk_hash end) as _pk_open_hash
    from tgt as t
    group by t._pk_key
  )
  {%- endif %}

  select
    u._pk_key, {keys_u}, max(u._pk_gone) as _pk_gone, max(u._pk_back) as _pk_back,
    {%- if fast %}
    coalesce(min(b._pk_n) = 1 and (min(g._pk_key) is null or (min(b._pk_ts) > min(g._pk_last) and min(g._pk_open) = 1 and min(b._pk_hash) <> min(g._pk_open_hash))), false) as _pk_fast
    {%- else %}
    false as _pk_fast
    {%- endif %}
  from (
    select * from changed
    {%- if deletes %}
    {%- if not cfg.partial_source %}
    union all
    select * from gone
    {%- endif %}
    union all
    select * from back
    {%- endif %}
  ) as u
  {%- if fast %}
  inner join batch_one as b on u._pk_key = b._pk_key
  left join stored as g on u._pk_key = g._pk_key
  {%- endif %}
  group by u._pk_key, {keys_u}
  );
  select
    count(*) as touched,
    coalesce(sum(case when k._pk_fast then 0 else 1 end), 0) as slow
    {%- if cfg.max_deleted_ratio is not none %},
    -- max_deleted_ratio: the keys the load would delete, and the live keys stored
    coalesce(sum(k._pk_gone), 0) as gone,
    (select count(*) from ({versions}) as t where t._pk_vt is null and not t._pk_del) as live
    {%- endif %}
  from {keys_relation} as k
  {%- endset -%}
  {{- return(sql.format(**cols)) -}}
{% endmacro %}

{#- Final rows of the touched keys (all keys on a rebuild), in the target's column order: the
    change events, then versions, one row per state run. SCD2 without deletes: the fast keys (see
    _scd_stage_sql) skip the passes; their rows here are their open version, now ended at the
    change, and the change as the new open version (_scd_replace_rows replaces only their open
    row). arg_dict.slow: the number of other keys; with none, the passes are left out. -#}
{% macro _scd_new_rows_sql(arg_dict) %}
  {%- set cfg = arg_dict.cfg -%}
  {%- set deletes = cfg.hard_deletes != 'ignore' -%}
  {%- set fast = arg_dict.has_target and cfg.scd_type == 2 and not deletes -%}
  {%- set passes = not fast or arg_dict.slow -%}
  {%- set sql -%}
  with
  {%- if arg_dict.has_target %}
  tgt_all as (
    select v.* from ({versions}
  where {in_keys_relation}) as v
  ),
  {%- if fast %}

  fast as (
    select s._pk_key, s._pk_ts as _pk_fast_ts
    from {source} as s
    where s._pk_key in (select k._pk_key from {keys_relation} as k where k._pk_fast)
  ),
  {%- endif %}
  {%- if passes %}

  tgt_v as (
    select v.*, lead(v._pk_vf) over (partition by v._pk_key order by v._pk_vf) as _pk_next_vf
    from tgt_all as v
    {%- if fast %}
    where v._pk_key not in (select f._pk_key from fast as f)  -- the other keys take the passes
    {%- endif %}
  ),
  {%- endif %}
  {%- endif %}
  {%- if passes %}

  events as (
    {%- if arg_dict.has_target %}
    -- each existing version starts a state
    select {pay_t}, t._pk_key, t._pk_vf as _pk_ts, t._pk_hash, t._pk_del, t._pk_upd, 1 as _pk_origin
    from tgt_v as t
    union all
    -- the newest change a version absorbed: kept as an event so a late change that splits the
    -- version still leaves the right state after it
    select {pay_t}, t._pk_key, t._pk_upd, t._pk_hash, t._pk_del, t._pk_upd, 1
    from tgt_v as t
    where not t._pk_del and t._pk_upd > t._pk_vf and (t._pk_vt is null or t._pk_upd < t._pk_vt)
    union all
    -- a version closed without a successor: the key was deleted at its end
    select {pay_t}, t._pk_key, t._pk_vt, 'deleted', true, t._pk_vt, 2
    from tgt_v as t
    where t._pk_vt is not null and not t._pk_del and (t._pk_next_vf is null or t._pk_next_vf <> t._pk_vt)
    {%- if cfg.scd_type != 2 %}
    union all
    -- SCD1/3 keep when a key was first seen: an event that never becomes the current state
    select {pay_t}, t._pk_key, t._pk_first, 'first_seen', t._pk_del, t._pk_first, 0
    from tgt_v as t
    where t._pk_first < t._pk_vf
    {%- endif %}
    {%- if deletes %}
    union all
    -- deleted now: a live key is missing from the full-snapshot source
    select {pay_t}, t._pk_key, {load_ts}, 'deleted', true, {load_ts}, 2
    from tgt_v as t
    where t._pk_vt is null and not t._pk_del
      and t._pk_key in (select k._pk_key from {keys_relation} as k where k._pk_gone = 1)
    union all
    -- back now: a deleted key is in the source again; its latest row is a new state from the load time
    select {pay_s}, s._pk_key, {load_ts}, s._pk_hash, false, {load_ts}, 3
    from (
      select x.*, row_number() over (partition by x._pk_key order by x._pk_ts desc) as _pk_latest
      from {source} as x
      where x._pk_key in (select k._pk_key from {keys_relation} as k where k._pk_back = 1)
    ) as s
    where s._pk_latest = 1
    {%- endif %}
    union all
    {%- endif %}
    -- the batch's changes
    select {pay_s}, s._pk_key, s._pk_ts, s._pk_hash, false as _pk_del, s._pk_ts as _pk_upd, 3 as _pk_origin
    from {source} as s
    {%- if arg_dict.has_target %}
    where s._pk_key in (select k._pk_key from {keys_relation} as k)
    {%- endif %}
    {%- if fast %}
      and s._pk_key not in (select f._pk_key from fast as f)
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
  ){{ ',' if fast }}
  {%- endif %}
  {%- if fast %}

  fast_ranged as (
    {%- if passes %}
    select {pay_r}, r._pk_key, r._pk_vf, r._pk_vt, r._pk_hash, r._pk_del
    from ranged as r
    union all
    {%- endif %}
    select {pay_t}, t._pk_key, t._pk_vf, f._pk_fast_ts as _pk_vt, t._pk_hash, t._pk_del
    from tgt_all as t
    inner join fast as f on t._pk_key = f._pk_key
    where t._pk_vt is null
    union all
    select {pay_s}, s._pk_key, s._pk_ts, cast(null as {ts_type}), s._pk_hash, false
    from {source} as s
    inner join fast as f on s._pk_key = f._pk_key
  )
  {%- endif %}

  select
    {pay_v},
  {%- if cfg.scd_type == 2 %}
    md5({enc_id} || '|' || {ts_text_vf}) as {scd_id},
    cast(v._pk_vf as {ts_type}) as {valid_from},
    cast({% if cfg.open_end %}coalesce(v._pk_vt, {open_end}){% else %}v._pk_vt{% endif %} as {ts_type}) as {valid_to},
    v._pk_vt is null as {is_current},
  {%- else %}
    cast(v._pk_first_ts as {ts_type}) as {first_seen_at},
    cast(v._pk_vf as {ts_type}) as {last_changed_at},
  {%- endif %}
  {%- if cfg.hard_deletes == 'new_record' %}
    v._pk_del as {is_deleted},
  {%- endif %}
    v._pk_hash as {scd_hash},
    v._pk_key as {scd_key}
  from {{ 'fast_ranged' if fast else 'ranged' }} as v
  where v._pk_hash <> 'first_seen'
  {%- if cfg.hard_deletes != 'new_record' %}
    and not v._pk_del
  {%- endif %}
  {%- if cfg.scd_type != 2 %}
    and v._pk_vt is null
  {%- endif %}
  {%- endset -%}
  {{- return(sql.format(**arg_dict.cols)) -}}
{% endmacro %}

{#- The table's columns against the model's (see _scd_stage_sql; _scd_append_new_columns checks the
    columns it would have before it alters it, as on Snowflake the ALTER commits on its own and a
    load refused after it left the column added): raises when the table lacks a column, has one
    the model no longer selects, or has a model column in another case only. -#}
{% macro _scd_check_table_columns(arg_dict, target_columns) %}
  {%- set cfg, cols = arg_dict.cfg, arg_dict.cols -%}
  {%- set existing, exact = target_columns | map(attribute='name') | map('lower') | list, target_columns | map(attribute='name') | list -%}
  {#- PostgreSQL and Snowflake keep "Name" and name apart (DuckDB does not): a column renamed only
      by case is a column the table lacks, and the load failed on it with the database's "column
      t.name does not exist" -#}
  {%- if target.type != 'duckdb' and cols.payload | reject('in', exact) | list -%}
    {%- set renamed = [] -%}
    {%- for name in cols.payload if name not in exact and name | lower in existing -%}
      {%- do renamed.append(name ~ ' (the table has ' ~ exact[existing.index(name | lower)] ~ ')') -%}
    {%- endfor -%}
    {%- if renamed -%}
      {{ pipeline_kit._raise('scd', 'the model names columns in another case than the table, which keeps such names apart; select them as the table names them, or run with --full-refresh to rebuild the table from the select', renamed | join(', ')) }}
    {%- endif -%}
  {%- endif -%}
  {%- if cols.scd_key | lower not in existing or cols.payload | map('lower') | reject('in', existing) | list -%}
    {%- do pipeline_kit._scd_check_target_columns(arg_dict, existing) -%}
  {%- endif -%}
  {#- and a column the model no longer selects (neither the model's nor a generated one) -#}
  {%- set known = cols.payload | map('lower') | list -%}
  {%- for name, value in cfg.names.items() if name not in ['previous_prefix', 'changed_at_suffix'] -%}
    {%- do known.append(value | lower) -%}
  {%- endfor -%}
  {%- for attribute in cols.scd3 -%}
    {%- do known.extend([(cfg.names.previous_prefix ~ attribute) | lower, (attribute ~ cfg.names.changed_at_suffix) | lower]) -%}
  {%- endfor -%}
  {%- set dropped = existing | reject('in', known) | list -%}
  {%- if dropped or cols.scd3 -%}
    {%- do pipeline_kit._scd_check_dropped_columns(arg_dict, existing, dropped, exact) -%}
  {%- endif -%}
{% endmacro %}

{#- The table lacks a column it needs (see _scd_stage_sql): which one. -#}
{% macro _scd_check_target_columns(arg_dict, existing) %}
  {%- if arg_dict.cols.scd_key | lower not in existing -%}
    {{ pipeline_kit._raise('scd', 'the table has no ' ~ arg_dict.cols.scd_key ~ ' column (not built by this materialization, or renamed); run with --full-refresh', arg_dict.target) }}
  {%- endif -%}
  {%- set missing = [] -%}
  {%- for name in arg_dict.cols.payload if name | lower not in existing -%}
    {%- do missing.append(name) -%}
  {%- endfor -%}
  {{ pipeline_kit._raise('scd', 'the model has columns the table lacks; set on_schema_change: append_new_columns to add them (history kept), or run with --full-refresh to rebuild the table from the select', missing | join(', ')) }}
{% endmacro %}

{#- Columns of the table the load would not write (`dropped`), and SCD3's columns: an attribute new to
    scd3_columns without its columns (see _scd_append_new_columns), the columns of an attribute
    taken out of scd3_columns, any other column the model no longer selects. Raises; a macro of
    its own, so a load with nothing to report does not compile it. -#}
{% macro _scd_check_dropped_columns(arg_dict, existing, dropped, exact) %}
  {%- set cfg, cols = arg_dict.cfg, arg_dict.cols -%}
  {#- `existing` and `dropped` are lower-case; messages name the columns as the table has them (`exact`) -#}
  {%- set shown = [] -%}
  {%- for name in dropped -%}
    {%- do shown.append(exact[existing.index(name)]) -%}
  {%- endfor -%}
  {%- set missing = [] -%}
  {%- for attribute in cols.scd3 -%}
    {%- do missing.extend([(cfg.names.previous_prefix ~ attribute) | lower, (attribute ~ cfg.names.changed_at_suffix) | lower] | reject('in', existing)) -%}
  {%- endfor -%}
  {%- if missing -%}
    {{ pipeline_kit._raise('scd', 'the table lacks the columns of attributes new to `scd3_columns`; set on_schema_change: append_new_columns to add them (the stored value then counts as held since first_seen_at), or run with --full-refresh to rebuild the table from the select', missing | join(', ')) }}
  {%- endif -%}
  {%- if dropped and cfg.scd_type == 3 -%}
    {%- set former = [] -%}
    {%- for name in cols.payload | map('lower') -%}
      {%- for column in dropped if column in [cfg.names.previous_prefix ~ name, name ~ cfg.names.changed_at_suffix] | map('lower') | list -%}
        {%- do former.append(exact[existing.index(column)]) -%}
      {%- endfor -%}
    {%- endfor -%}
    {%- if former -%}
      {{ pipeline_kit._raise('scd', 'the table has SCD3 columns of attributes no longer in `scd3_columns`; list the attributes again, drop the columns from the table, or run with --full-refresh', former | join(', ')) }}
    {%- endif -%}
  {%- endif -%}
  {%- if dropped -%}
    {{ pipeline_kit._raise('scd', 'the table has columns the model no longer selects; select them again (as NULL to stop filling them), or run with --full-refresh to rebuild the table from the select', shown | join(', ')) }}
  {%- endif -%}
{% endmacro %}
