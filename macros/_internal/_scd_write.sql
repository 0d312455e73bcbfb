{#- Writing helpers of the scd materialization. -#}

{#- A rebuild (first load or full refresh): the staged batch becomes the whole dimension, built
    beside the old one and swapped in. Returns the relation holding the old rows (dropped after the commit). -#}
{% macro _scd_rebuild(arg_dict, existing_relation) %}
  {#- the backup has the existing relation's type (a view when a view becomes an scd model): it is
      dropped as that type after the commit -#}
  {%- set rebuild = pipeline_kit._rebuild_relations(arg_dict.target, existing_relation.type if existing_relation is not none else 'table') -%}
  {%- set intermediate_relation, backup_relation = rebuild.intermediate, rebuild.backup -%}
  {%- for relation in [intermediate_relation, backup_relation] -%}
    {{ drop_relation_if_exists(relation) }}
  {%- endfor -%}
  {%- call statement('scd_stage_source') -%}
    {{ pipeline_kit._scd_stage_sql(arg_dict) }}
  {%- endcall -%}
  {#- main statement -#}
  {%- call statement('main') -%}
    {{ get_create_table_as_sql(False, intermediate_relation, pipeline_kit._scd3_rows_sql(arg_dict) if arg_dict.cfg.scd_type == 3 else pipeline_kit._scd_new_rows_sql(arg_dict)) }}
  {%- endcall -%}
  {#- swap, then the configured indexes on the new table (see _swap_in_rebuilt) -#}
  {%- set retired_relation = pipeline_kit._swap_in_rebuilt(existing_relation, intermediate_relation, backup_relation, arg_dict.target) -%}
  {%- if config.get('indexes') -%}
    {%- do create_indexes(arg_dict.target) -%}
  {%- endif -%}
  {{ return(retired_relation) }}
{% endmacro %}

{#- Stage the touched keys' new rows, then replace the keys' rows: delete + insert in the open
    transaction (arg_dict.columns / column_list: the table's columns, from _scd_stage_sql). A fast
    key (SCD2, see _scd_stage_sql) loses only its open row, so a change costs one row rewritten and
    one added however long the key's history; the other keys lose all their rows (arg_dict.slow:
    how many there are). The delete matches the stored key hash; on DuckDB the key columns; on
    PostgreSQL the staged rows' ctids (a TID scan; the table is not scanned again); on Snowflake
    deletes and insert are one MERGE (d.write): see _scd_dialect. -#}
{% macro _scd_replace_rows(arg_dict) %}
  {%- set cfg, d, cols = arg_dict.cfg, arg_dict.d, arg_dict.cols -%}
  {%- set rows_sql = pipeline_kit._scd3_rows_sql(arg_dict) if cfg.scd_type == 3 else pipeline_kit._scd_new_rows_sql(arg_dict) -%}
  {%- if d.write -%}
    {#- one statement: the keys' rows to remove match on the key hash (and, for a fast key, the
        open row: in the ON clause, so the other versions stay unmatched and untouched), the new
        rows carry no key to match and are inserted -#}
    {%- set on = 't.' ~ cols.scd_key ~ ' = s._pk_del' -%}
    {%- if arg_dict.slow == 0 -%}
      {%- set on = on ~ ' and t.' ~ cols.is_current -%}
    {%- elif arg_dict.slow < arg_dict.touched -%}
      {%- set on = on ~ ' and (not s._pk_fast or t.' ~ cols.is_current ~ ')' -%}
    {%- endif -%}
    {%- set nulls, values = [], [] -%}
    {%- for name in arg_dict.column_list -%}
      {%- do nulls.append('null as ' ~ name) -%}
      {%- do values.append('s.' ~ name) -%}
    {%- endfor -%}
    {%- set write = d.write.format(on=on, nulls=nulls | join(', '), values=values | join(', '), columns=arg_dict.columns,
                                   target=arg_dict.target, keys_relation=arg_dict.keys_relation, new_relation=arg_dict.new_relation) -%}
  {%- else -%}
    {#- the dialect's delete templates (see _scd_dialect): the slow keys' rows, the fast keys' open
        rows; in_keys: DuckDB's key predicate, exists (... where <key match>), without its last `)`,
        plus the stored key hash: the rows written back are grouped by that hash, so a stored row
        equal by `=` but hashed from another text (a timestamptz key read in another session time
        zone, a NOCASE collation, -0.0 against 0.0) must not be deleted: it would not come back -#}
    {%- set in_keys = cols.in_keys_relation[:-1] ~ ' and t.' ~ cols.scd_key ~ ' = k._pk_key' -%}
    {%- set write = ((d.delete_slow_full if cfg.hard_deletes != 'ignore' and d.delete_slow_full else d.delete_slow) if arg_dict.slow else '')
        ~ (d.delete_fast if arg_dict.slow < arg_dict.touched else '') ~ 'insert into {target} ({columns})\n    select {columns} from {new_relation}' -%}
    {%- set write = write.format(columns=arg_dict.columns, in_slow=in_keys ~ ' and not k._pk_fast)', in_fast=in_keys ~ ' and k._pk_fast)',
                                 open_row=cols.is_current, **cols) -%}
  {%- endif -%}
  {#- one round trip: the scratch table and the write (dbt-snowflake splits it into statements) -#}
  {%- call statement('main') -%}
    {{ d.scratch }} {{ arg_dict.new_relation }} as (
    {{ rows_sql }}
    );
    {{ write }}
  {%- endcall -%}
{% endmacro %}

{#- SCD3: the type-1 row (latest values, first_seen_at, last_changed_at) plus, per configured
    attribute, its previous value and when the current value began. Each attribute's history is
    re-derived from the stored (previous, current) pair and the batch, ordered by time, so late
    changes land in the right place and a re-run changes nothing. -#}
{% macro _scd3_rows_sql(arg_dict) %}
  {%- set cfg, cols, d, n = arg_dict.cfg, arg_dict.cols, arg_dict.d, arg_dict.cfg.names -%}
  {%- set ts_type = d.ts_type -%}
  {#- per attribute: its quoted name, and its previous-value and changed-at columns (lowercase, as
      on_schema_change names them; quoted when they are no plain name, e.g. an attribute `Seg Ment`) -#}
  {%- set derived = [] -%}
  {%- for attribute in cols.scd3 -%}
    {#- the batch's value, cast to the table's type where they differ (see _scd_cast_state) -#}
    {%- set names = [adapter.quote(attribute), cols.get('batch_values', {}).get(attribute, 's.' ~ adapter.quote(attribute)), cols.text_of.get(attribute, d.text).replace('_pk_expr_', 'e._pk_val')] -%}
    {%- for name in [n.previous_prefix ~ attribute | lower, attribute | lower ~ n.changed_at_suffix] -%}
      {%- do names.append(name if modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', name) else adapter.quote(name)) -%}
    {%- endfor -%}
    {%- do derived.append(names) -%}
  {%- endfor -%}
  with scd1 as (
    {{ pipeline_kit._scd_new_rows_sql(arg_dict) }}
  ),
  {%- if arg_dict.has_target %}

  tgt as (
    select t.*, t.{{ n.scd_key }} as _pk_key, {{ cols.ts_t }} as _pk_upd
    from {{ arg_dict.target }} as t
    where {{ cols.in_keys_relation }}
  ),
  {%- endif %}
  {%- for a, batch_value, val_text, prev, changed in derived %}

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
    select s._pk_key, s._pk_ts, {{ batch_value }} as _pk_val, 3 as _pk_origin
    from {{ arg_dict.source }} as s
    {%- if arg_dict.has_target %}
    where s._pk_key in (select k._pk_key from {{ arg_dict.keys_relation }} as k)
    {%- endif %}
  ),

  a{{ loop.index }}_one as (
    select e.*, md5(coalesce({{ d.text.replace('_pk_expr_', 'length(' ~ val_text ~ ')') }} || ':' || {{ val_text }}, '~')) as _pk_hash
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
    {{ cols.pay_k }},
    k.{{ n.first_seen_at }},
    k.{{ n.last_changed_at }},
    {%- for a, batch_value, val_text, prev, changed in derived %}
    a{{ loop.index }}.{{ prev }},
    cast(a{{ loop.index }}.{{ changed }} as {{ ts_type }}) as {{ changed }},
    {%- endfor %}
    {%- if cfg.hard_deletes == 'new_record' %}
    k.{{ n.is_deleted }},
    {%- endif %}
    k.{{ n.scd_hash }},
    k.{{ n.scd_key }}
  from keyed as k
  {%- for attribute in cols.scd3 %}
  left join a{{ loop.index }}_state as a{{ loop.index }} on k._pk_key = a{{ loop.index }}._pk_key
  {%- endfor %}
{% endmacro %}

{#- dbt's grants and persist_docs for the table an SCD run wrote (see the materialization for where
    it runs them). -#}
{% macro _scd_grants_and_docs(target_relation, existing_relation, full_refresh) %}
  {%- set grant_config = config.get('grants') -%}
  {%- if grant_config -%}
    {%- do apply_grants(target_relation, grant_config, should_revoke=should_revoke(existing_relation, full_refresh_mode=full_refresh)) -%}
  {%- endif -%}
  {%- if config.persist_relation_docs() or config.persist_column_docs() -%}
    {%- do persist_docs(target_relation, model) -%}
  {%- endif -%}
{% endmacro %}

{#- on_schema_change=append_new_columns, on an incremental load: the model's columns the table lacks
    are added to it (NULL in the stored rows, as if they had always been NULL) and, when one of
    them is tracked, the stored state hashes are recomputed over the new set of tracked columns,
    so a NULL in the new column is no change and a value is one (NULL to value, as for any tracked
    column), as a dbt snapshot compares it. SCD3 attributes new to scd3_columns get their columns
    too. Runs in the load's transaction (on Snowflake the ALTER is DDL and commits on its own).
    Returns the table's columns after the change. -#}
{% macro _scd_append_new_columns(arg_dict, batch_columns, target_columns) %}
  {%- set existing = target_columns | map(attribute='name') | map('lower') | list -%}
  {%- set added = [] -%}
  {%- for column in batch_columns if column.name | lower not in existing -%}
    {%- do added.append(column) -%}
  {%- endfor -%}
  {%- set cols, n = arg_dict.cols, arg_dict.cfg.names -%}
  {#- SCD3: an attribute new to scd3_columns gets its previous-value column (the attribute's type)
      and its changed-at column, NULL in the stored rows: no earlier value is known, so the stored
      value counts as held since first_seen_at. Named in the attribute's case (upper on Snowflake,
      where the alter quotes names) -#}
  {%- for column in batch_columns if column.name in cols.scd3 -%}
    {%- set upper = column.name == column.name | upper and column.name != column.name | lower -%}
    {%- set previous, changed = n.previous_prefix ~ column.name | lower, column.name | lower ~ n.changed_at_suffix -%}
    {%- if previous | lower not in existing -%}
      {%- do added.append(api.Column(previous | upper if upper else previous, column.dtype, column.char_size, column.numeric_precision, column.numeric_scale)) -%}
    {%- endif -%}
    {%- if changed | lower not in existing -%}
      {%- do added.append(api.Column(changed | upper if upper else changed, arg_dict.d.ts_type)) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if not added -%}
    {{- return(target_columns) -}}
  {%- endif -%}
  {#- a load the columns refuse (one the model no longer selects, ...) fails before the ALTER: on
      Snowflake the ALTER commits on its own, and the refused load left the column added -#}
  {%- do pipeline_kit._scd_check_table_columns(arg_dict, target_columns + added) -%}
  {%- do alter_relation_add_remove_columns(arg_dict.target, added, none) -%}
  {%- if added | map(attribute='name') | map('lower') | select('in', cols.tracked | map('lower') | list) | list -%}
    {#- the delete markers of hard_deletes=new_record keep their 'deleted' state -#}
    {%- call statement('scd_rehash') -%}
      update {{ arg_dict.target }} as s
      set {{ cols.scd_hash }} = md5({{ cols.enc_state }})
      where {{ cols.scd_hash }} <> 'deleted'
    {%- endcall -%}
  {%- endif -%}
  {{- return(target_columns + added) -}}
{% endmacro %}

{#- The batch's key, state and row encodings (enc_key, enc_state, enc_row, see _scd_resolve_columns)
    with each column whose type differs from the table's cast to the table's type first: the stored
    rows are hashed as the table holds them (see the versions in _scd_stage_sql), so a batch
    decimal(10,2) against a table decimal(12,4) must write 1.5 as the table does, `1.5000`, or every
    such row would look changed (and a key column's hash would match no stored key: a second
    current row, or on DuckDB, which deletes by the key's values, the key's history lost).
    Only the types _scd_check_types lets through get here. -#}
{% macro _scd_cast_state(arg_dict, batch_columns, target_columns) %}
  {%- set target_types = {} -%}
  {%- for column in target_columns -%}
    {%- do target_types.update({column.name | lower: column.data_type}) -%}
  {%- endfor -%}
  {%- set batch_types = {} -%}
  {%- for column in batch_columns -%}
    {%- do batch_types.update({column.name | lower: column.data_type}) -%}
  {%- endfor -%}
  {#- batch_values: each batch column as the table holds it (SCD3 compares its attributes' values
      with the stored ones as text the same way, see _scd3_rows_sql) -#}
  {%- set text, encodings = arg_dict.d.text, {'batch_values': {}} -%}
  {%- for name in arg_dict.cols.payload -%}
    {%- set stored = target_types.get(name | lower) -%}
    {%- set changed = stored is not none and stored | lower != batch_types.get(name | lower, '') | lower -%}
    {%- do encodings.batch_values.update({name: ('cast(s.' ~ adapter.quote(name) ~ ' as ' ~ stored ~ ')') if changed else 's.' ~ adapter.quote(name)}) -%}
  {%- endfor -%}
  {%- for part, names in [('enc_key', arg_dict.cols['keys']), ('enc_state', arg_dict.cols.tracked), ('enc_row', arg_dict.cols.payload)] -%}
    {%- set parts = [] -%}
    {%- for name in names -%}
      {%- set value_text = arg_dict.cols.text_of.get(name, text).replace('_pk_expr_', encodings.batch_values[name]) -%}
      {%- do parts.append('coalesce(' ~ text.replace('_pk_expr_', 'length(' ~ value_text ~ ')') ~ " || ':' || " ~ value_text ~ ", '~')") -%}
    {%- endfor -%}
    {%- do encodings.update({part: parts | join(" || '|' || ") or "''"}) -%}
  {%- endfor -%}
  {{- return(encodings) -}}
{% endmacro %}

{#- String columns of the table narrower than the model's are widened first, as dbt's incremental
    and pipeline_kit_merge widen them (not under an enforced contract, whose types are fixed), an
    SCD3 attribute's previous-value column with its attribute: a longer string failed the write
    on PostgreSQL ("value too long for type character varying(5)"), though a string type counts
    as no type change. Only sized columns: an unsized one (text) holds any length. Returns the
    table's columns as they are then. -#}
{% macro _scd_expand_strings(arg_dict, batch_columns, target_columns) %}
  {%- set by_name, by_lower, wider = {}, {}, [] -%}
  {%- for column in target_columns -%}
    {%- do by_name.update({column.name: column}) -%}
    {%- do by_lower.update({column.name | lower: column}) -%}
  {%- endfor -%}
  {%- for source in batch_columns if source.name in by_name and by_name[source.name].char_size and by_name[source.name].can_expand_to(source) -%}
    {%- do wider.append((by_name[source.name], source)) -%}
    {%- set previous = by_lower.get((arg_dict.cfg.names.previous_prefix ~ source.name) | lower) if source.name in arg_dict.cols.scd3 else none -%}
    {%- if previous is not none and previous.char_size and previous.can_expand_to(source) -%}
      {%- do wider.append((previous, source)) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if not wider or config.get('contract').enforced -%}
    {{- return(target_columns) -}}
  {%- endif -%}
  {#- a load the columns refuse fails before the ALTER, which commits on its own on Snowflake -#}
  {%- do pipeline_kit._scd_check_table_columns(arg_dict, target_columns) -%}
  {%- for column, source in wider -%}
    {%- do alter_column_type(arg_dict.target, column.name, source.string_type(source.string_size())) -%}
  {%- endfor -%}
  {{- return(adapter.get_columns_in_relation(arg_dict.target)) -}}
{% endmacro %}

{#- A column whose type changed so that writing it as the table's type can change its values (see
    _merge_type_changes) fails the load, in every on_schema_change mode: the stored history would
    no longer be what the select returned, and the state hashes of the new text form would make
    every key look changed. -#}
{% macro _scd_check_types(batch_columns, target_columns) %}
  {%- set changes = [] -%}
  {%- for change in pipeline_kit._merge_type_changes(batch_columns, target_columns, lossy_only=true) -%}
    {%- do changes.append(change.column ~ ' ' ~ change.old ~ ' -> ' ~ change.new) -%}
  {%- endfor -%}
  {%- if changes -%}
    {{ pipeline_kit._raise('scd', "the model's columns have other types than the table's; the values would be cast to the table's types and the history would no longer match the select: change the column's type in the table (ALTER TABLE), cast it back in the model, or run with --full-refresh", changes | join(', ')) }}
  {%- endif -%}
{% endmacro %}
