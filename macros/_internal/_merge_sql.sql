{#- SQL builders of the pipeline_kit_merge materialization. `m` is the resolved config from
    _merge_resolve_columns (insert_columns / update_columns: the Column objects present in the
    target; `now`: one timestamp literal per run). Aliases: t = target, s = deduplicated batch.
    The common-path builders write SQL as template text, which dbt compiles faster than strings
    joined in Jinja; soft-delete and audit pieces come from macros that only those runs call. -#}

{#- Create the batch's scratch table and read its columns and the target's (target none on a
    first build / full refresh), in one call where the engine allows. Returns {'batch': [Column],
    'target': [Column], 'path', 'row_id', 'batch_relation', 'dedup_relation'}: the path that
    applies the change is 'staged' (delete + insert by row id), 'merge' (one MERGE) or 'fallback'
    (delete / update / insert without MERGE); dedup_relation is the scratch relation of the
    staged / fallback deduplicated batch. The default: dbt's column lookups (fakesnow cannot
    describe temporary tables, so Snowflake takes this one with its own scratch tables). -#}
{% macro default___merge_prepare(target_relation, existing_relation, select_sql) %}
  {%- set found = {
      'path': 'merge', 'row_id': none,
      'batch_relation': adapter.dispatch('_merge_temp_relation', 'pipeline_kit')(target_relation, '__pk_batch'),
      'dedup_relation': adapter.dispatch('_merge_temp_relation', 'pipeline_kit')(target_relation, '__pk_dedup')} -%}
  {%- do run_query((config.get('sql_header') or '') ~ '\n' ~ adapter.dispatch('_merge_create_scratch', 'pipeline_kit')(found.batch_relation, select_sql)) -%}
  {#- as dbt's incremental: an enforced contract fixes the column types, so nothing is widened -#}
  {%- if existing_relation is not none and not config.get('contract').enforced -%}
    {%- do adapter.expand_target_column_types(from_relation=found.batch_relation, to_relation=existing_relation) -%}
  {%- endif -%}
  {%- do found.update({
      'batch': adapter.get_columns_in_relation(found.batch_relation),
      'target': adapter.get_columns_in_relation(existing_relation) if existing_relation is not none else []}) -%}
  {{- return(found) -}}
{% endmacro %}

{# DuckDB: the scratch table and both DESCRIBEs in one call (no string widening to do; temporary tables, named as default___merge_temp_relation does), and the staged path: an UPDATE or MERGE of scattered rows makes the COMMIT rewrite far more than a delete + insert (the fallback when a column named rowid hides the row id) #}
{% macro duckdb___merge_prepare(target_relation, existing_relation, select_sql) %}
  {%- set prefix, stamp = pipeline_kit._merge_name_prefix(target_relation.identifier), modules.datetime.datetime.now().strftime('%H%M%S%f') -%}
  {%- set found = {
      'batch': [], 'target': [], 'path': 'staged', 'row_id': 'rowid',
      'batch_relation': target_relation.incorporate(path={'identifier': prefix ~ '__pk_batch' ~ stamp, 'schema': none, 'database': none}),
      'dedup_relation': target_relation.incorporate(path={'identifier': prefix ~ '__pk_dedup' ~ stamp, 'schema': none, 'database': none})} -%}
  {%- call statement('pk_merge_columns', fetch_result=True) -%}
    {{ config.get('sql_header') or '' }}
    create temporary table {{ found.batch_relation }} as ({{ select_sql }}
    );
    select 'batch' as k, column_name, column_type, row_number() over () as pos from (describe {{ found.batch_relation }})
    {%- if existing_relation is not none %}
    union all select 'target', column_name, column_type, row_number() over () from (describe {{ existing_relation }})
    {%- endif %}
    order by k, pos
  {%- endcall -%}
  {%- for row in load_result('pk_merge_columns').table.rows -%}
    {%- do found[row[0]].append(api.Column(row[1], row[2])) -%}
  {%- endfor -%}
  {#- a column named rowid (any case) hides DuckDB's row id, which the staged path deletes by -#}
  {%- if 'rowid' in (found.batch + found.target) | map(attribute='name') | map('lower') | list -%}
    {%- do found.update({'path': 'fallback', 'row_id': none}) -%}
  {%- endif -%}
  {{- return(found) -}}
{% endmacro %}

{# PostgreSQL: the scratch table and one information_schema query for both tables in one call (temporary tables, named as default___merge_temp_relation does, dropped by the commit, so the write is the run's last statement and its row count dbt's); the query also reads the server version (MERGE from 15 on, else the fallback); the write locks the table against other writers (lock) #}
{% macro postgres___merge_prepare(target_relation, existing_relation, select_sql) %}
  {%- set prefix, stamp = pipeline_kit._merge_name_prefix(target_relation.identifier), modules.datetime.datetime.now().strftime('%H%M%S%f') -%}
  {%- set found = {
      'batch': [], 'target': [], 'path': 'merge', 'row_id': none, 'version': 0, 'lock': 'share row exclusive', 'on_commit_drop': true,
      'batch_relation': target_relation.incorporate(path={'identifier': prefix ~ '__pk_batch' ~ stamp, 'schema': none, 'database': none}),
      'dedup_relation': target_relation.incorporate(path={'identifier': prefix ~ '__pk_dedup' ~ stamp, 'schema': none, 'database': none})} -%}
  {%- set batch_name = "'" ~ found.batch_relation.identifier.replace("'", "''") ~ "'" -%}
  {%- call statement('pk_merge_columns', fetch_result=True) -%}
    {{ config.get('sql_header') or '' }}
    create temporary table {{ found.batch_relation }} on commit drop as ({{ select_sql }}
    );
    select case when table_name = {{ batch_name }} then 'batch' else 'target' end as k, column_name, data_type, character_maximum_length, numeric_precision, numeric_scale, ordinal_position as pos
    from {{ found.batch_relation.information_schema('columns') }}
    where table_name = {{ batch_name }}
    {%- if existing_relation is not none %} or (table_name = '{{ existing_relation.identifier.replace("'", "''") }}' and table_schema = '{{ existing_relation.schema.replace("'", "''") }}'){% endif %}
    union all select 'version', current_setting('server_version_num'), null, null, null, null, 0
    order by k, pos
  {%- endcall -%}
  {%- for row in load_result('pk_merge_columns').table.rows -%}
    {%- if row[0] == 'version' -%}
      {%- do found.update({'version': row[1] | int}) -%}
    {%- else -%}
      {%- do found[row[0]].append(api.Column(row[1], row[2], row[3], row[4], row[5])) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if found.version < 150000 -%}
    {%- do found.update({'path': 'fallback'}) -%}
  {%- endif -%}
  {#- dbt widens the target's varchar(n) columns to the batch's lengths (only when needed), and not
      under an enforced contract, whose types are fixed -#}
  {%- set narrower = [] -%}
  {%- for column in found.target if not config.get('contract').enforced -%}
    {%- for source in found.batch if source.name == column.name and column.can_expand_to(source) -%}
      {%- do narrower.append(column.name) -%}
    {%- endfor -%}
  {%- endfor -%}
  {%- if narrower -%}
    {%- do adapter.expand_target_column_types(from_relation=found.batch_relation, to_relation=existing_relation) -%}
  {%- endif -%}
  {{- return(found) -}}
{% endmacro %}

{#- The pieces every path uses: `source`, the batch reduced to one change per key (the latest by
    the ordering column, NULLs oldest; on a tie a delete wins, then the smallest row by every
    column, so the pick is deterministic); `match`, the NULL-safe key match between t and s
    (`match_eq`, plain equality, and `keys_known`, every key part of s set: see the merge path);
    `newer`, the batch row is not older than the target row (a target without an ordering value
    loses); `changed`, something the update would write differs (NULL-safe, so unchanged rows
    are never rewritten). Column.quoted is adapter.quote(name) on the SQL adapters (one Jinja node
    fewer a use: see the materialization's comment on speed). The default key match is two hashable equalities a key column, equal
    null flags and equal coalesced values: IS NOT DISTINCT FROM is not hashable in PostgreSQL
    (a 1M-row target would be nested-looped) and DuckDB's hash join on it is about twice as slow. -#}
{% macro default___merge_parts(m, batch_relation, distinct_on=false) %}
  {%- set is_delete = pipeline_kit._merge_is_delete_expr(m, '_pk_batch') if m.has_deletes else 'false' -%}
  {%- set order_q = m.order_column.quoted -%}
  {%- set keys = '_pk_batch.' ~ m.key_columns | map(attribute='quoted') | join(', _pk_batch.') -%}
  {%- set columns = pipeline_kit._merge_soft_source_columns(m, is_delete, keys) if m.has_deletes and m.delete_mode == 'soft' else '_pk_batch.*' -%}
  {%- set source -%}
    {%- if distinct_on %}
    select distinct on ({{ keys }}) {{ columns }}, {{ is_delete }} as _pk_is_delete
    from {{ batch_relation }} as _pk_batch
    order by {{ keys }}, _pk_batch.{{ order_q }} desc nulls last, case when {{ is_delete }} then 1 else 0 end desc
    {%- for c in m.data_columns %}, _pk_batch.{{ c.quoted }} nulls last{% endfor %}
    {%- else %}
    select _pk_ranked.*
    from (
      select
        {{ columns }},
        {{ is_delete }} as _pk_is_delete,
        row_number() over (
          partition by {{ keys }}
          order by _pk_batch.{{ order_q }} desc nulls last, case when {{ is_delete }} then 1 else 0 end desc
          {%- for c in m.data_columns %}, _pk_batch.{{ c.quoted }} nulls last{% endfor %}
        ) as _pk_rn
      from {{ batch_relation }} as _pk_batch
    ) as _pk_ranked
    where _pk_ranked._pk_rn = 1
    {%- endif %}
  {%- endset -%}
  {#- each term starts with its separator, cut from the first one after the loop -#}
  {%- set match -%}
    {%- for c in m.key_columns %} and (t.{{ c.quoted }} is null) = (s.{{ c.quoted }} is null) and
      {%- if c.is_number() %} coalesce(t.{{ c.quoted }}, 0) = coalesce(s.{{ c.quoted }}, 0)
      {%- elif c.is_string() %} coalesce(t.{{ c.quoted }}, '') = coalesce(s.{{ c.quoted }}, '')
      {%- else %} coalesce(cast(t.{{ c.quoted }} as text), '') = coalesce(cast(s.{{ c.quoted }} as text), '')
      {%- endif -%}
    {%- endfor -%}
  {%- endset -%}
  {%- set match_eq -%}
    {%- for c in m.key_columns %} and t.{{ c.quoted }} = s.{{ c.quoted }}{% endfor -%}
  {%- endset -%}
  {%- set keys_known -%}
    {%- for c in m.key_columns %} and s.{{ c.quoted }} is not null{% endfor -%}
  {%- endset -%}
  {%- set changed -%}
    {%- for c in m.update_columns %} or t.{{ c.quoted }} is distinct from s.{{ c.quoted }}{% endfor -%}
    {{- ' or coalesce(t.is_deleted, false)' if m.delete_mode == 'soft' else '' -}}
  {%- endset -%}
  {{- return({'source': source, 'match': match[5:] ~ m.predicates, 'match_eq': match_eq[5:] ~ m.predicates, 'keys_known': keys_known[5:], 'newer': '(t.' ~ order_q ~ ' is null or s.' ~ order_q ~ ' >= t.' ~ order_q ~ ')', 'changed': '(' ~ changed[4:] ~ ')'}) -}}
{% endmacro %}

{# PostgreSQL: DISTINCT ON keeps each key's first row in one sort; row_number() adds a window pass and a filter (21.7 ms against 8.8 ms on the benchmark's 20k-row batch). Text columns are ordered and compared in the "C" collation: under the database's (often en_US) 'a' sorts before 'B' and a tie would pick another row than DuckDB and Snowflake, which compare bytes. A data column of a type without ordering or equality (json, xml, point...) would fail the tie breaker and the change test: its text form is used #}
{% macro postgres___merge_parts(m, batch_relation) %}
  {{- return(pipeline_kit._merge_parts_as_text(m, batch_relation, pipeline_kit._pg_text_compared(m.data_columns))) -}}
{% endmacro %}

{#- PostgreSQL's parts with text columns in the "C" collation and the columns named in `as_text`
    ordered and compared as text (NULL-safe, deterministic; json keeps its input text, so a json
    value whose text differs counts as a change): default___merge_parts writes
    `_pk_batch.<quoted> nulls last` and `t.<quoted> is distinct from s.<quoted>`, so it gets a
    copy of `m` whose data and update columns carry the cast and collation in their quoted name.
    Only the tie breaker and the change test read those lists there; the writes take the real
    columns from `m`. -#}
{% macro _merge_parts_as_text(m, batch_relation, as_text) %}
  {%- set data_columns, update_columns, compared = [], [], {} -%}
  {%- for c in m.data_columns -%}
    {%- if c.name in as_text -%}
      {%- do compared.update({c.name: {'name': c.name, 'quoted': c.quoted ~ '::text collate "C"'}}) -%}
    {%- elif c.is_string() -%}
      {%- do compared.update({c.name: {'name': c.name, 'quoted': c.quoted ~ ' collate "C"'}}) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- for c in m.data_columns -%}
    {%- do data_columns.append(compared.get(c.name, c)) -%}
  {%- endfor -%}
  {%- for c in m.update_columns -%}
    {%- do update_columns.append(compared.get(c.name, c)) -%}
  {%- endfor -%}
  {%- set view = {} -%}
  {%- do view.update(m) -%}
  {%- do view.update({'data_columns': data_columns, 'update_columns': update_columns, 'real_data_columns': m.data_columns}) -%}
  {{- return(pipeline_kit.default___merge_parts(view, batch_relation, distinct_on=true)) -}}
{% endmacro %}

{# Snowflake: its MERGE joins on IS NOT DISTINCT FROM as it is #}
{% macro snowflake___merge_parts(m, batch_relation) %}
  {%- set parts = pipeline_kit.default___merge_parts(m, batch_relation) -%}
  {%- set match -%}
    {%- for c in m.key_columns %} and t.{{ c.quoted }} is not distinct from s.{{ c.quoted }}{% endfor -%}
  {%- endset -%}
  {%- do parts.update({'match': match[5:] ~ m.predicates, 'match_eq': none}) -%}
  {{- return(parts) -}}
{% endmacro %}

{#- Soft deletes: the batch's columns, where a key's winning change is a delete, carry the values
    of its latest other change in the batch (the same order, live changes first), so an update and
    a delete of one key in one batch leave the row the two batches would leave: the update's values,
    marked deleted. _pk_has_live says the batch had such a change and _pk_live_ord is its ordering
    value; the writes take these values where that change would have applied (_merge_soft_live).
    Keys and the ordering column stay the delete's; the control columns are left out (not stored). -#}
{% macro _merge_soft_source_columns(m, is_delete, keys) %}
  {%- set real = m.get('real_data_columns', m.data_columns) -%}
  {%- set order_q = m.order_column.quoted -%}
  {%- set window -%}
    over (partition by {{ keys }} order by case when {{ is_delete }} then 1 else 0 end, _pk_batch.{{ order_q }} desc nulls last
    {%- for c in m.data_columns %}, _pk_batch.{{ c.quoted }} nulls last{% endfor %})
  {%- endset -%}
  {%- set has_live = '(first_value(case when ' ~ is_delete ~ ' then 0 else 1 end) ' ~ window ~ ' = 1)' -%}
  {%- set fixed = m.key_columns | map(attribute='name') | list + [m.order_column.name] -%}
  {%- set items = [] -%}
  {%- for c in real -%}
    {%- if c.name in fixed -%}
      {%- do items.append('_pk_batch.' ~ c.quoted) -%}
    {%- else -%}
      {%- do items.append('case when ' ~ is_delete ~ ' and ' ~ has_live ~ ' then first_value(_pk_batch.' ~ c.quoted ~ ') ' ~ window ~ ' else _pk_batch.' ~ c.quoted ~ ' end as ' ~ c.quoted) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- do items.append(has_live ~ ' as _pk_has_live') -%}
  {%- do items.append('first_value(case when ' ~ is_delete ~ ' then null else _pk_batch.' ~ order_q ~ ' end) ' ~ window ~ ' as _pk_live_ord') -%}
  {{- return(items | join(',\n        ')) -}}
{% endmacro %}

{#- Soft deletes: the batch's latest other change of a deleted key (see _merge_soft_source_columns)
    applies to the target row t, as it would have in a batch of its own (not older than t). -#}
{% macro _merge_soft_live(m) %}
  {%- if not m.has_deletes -%}
    {{- return('false') -}}
  {%- endif -%}
  {%- set order_q = adapter.quote(m.order_column.name) -%}
  {{- return('(s._pk_has_live and (t.' ~ order_q ~ ' is null or s._pk_live_ord >= t.' ~ order_q ~ '))') -}}
{% endmacro %}

{#- Is this change a delete? NULL operations / flags are not deletes. A number is written as a
    number only for an operation column that is not text: against a text column PostgreSQL has no
    `varchar = integer`, and DuckDB and Snowflake cast the text, so '03' was a delete of 3. -#}
{% macro _merge_is_delete_expr(m, alias) %}
  {%- if m.op_column_obj is not none -%}
    {%- set literals, text_column = [], m.op_column_obj.is_string() -%}
    {%- for value in m.delete_values -%}
      {%- do literals.append(value if value is number and not text_column else pipeline_kit._string_literal(value | string)) -%}
    {%- endfor -%}
    {{- return('coalesce(' ~ alias ~ '.' ~ adapter.quote(m.op_column_obj.name) ~ ' in (' ~ literals | join(', ') ~ '), false)') -}}
  {%- elif m.flag_column_obj is not none -%}
    {{- return('coalesce(' ~ alias ~ '.' ~ adapter.quote(m.flag_column_obj.name) ~ ', false)') -}}
  {%- endif -%}
  {{- return('false') -}}
{% endmacro %}

{#- Staged path: the deduplicated batch joined once with the target gives the final row of every
    key that changes and the row id of the target row it replaces; then one delete by row id and
    one insert of whole rows. An update is a delete plus an insert: columns it does not update are
    copied from the target row, target columns the batch lacks are kept. Same rules as the MERGE. -#}
{% macro _merge_staged_sql(m, target_relation, parts, found) %}
  {%- set rid = 't.' ~ found.row_id -%}
  {%- set soft = m.delete_mode == 'soft' -%}
  {%- set hard = m.has_deletes and not soft -%}
  {%- set update_names = m.update_columns | map(attribute='name') | map('lower') | list -%}
  {%- set insert_names = m.insert_columns | map(attribute='name') | map('lower') | list -%}
  {%- set managed = pipeline_kit._merge_managed_exprs(m, rid) if m.managed else {} -%}
  {#- a change reviving a soft-deleted row is an insert: see _merge_revive_set -#}
  {%- set revive = ' or (coalesce(t.is_deleted, false) and (not s._pk_is_delete or ' ~ pipeline_kit._merge_soft_live(m) ~ '))' if soft else '' -%}
  {%- set matched = parts.changed -%}
  {%- if m.has_deletes -%}
    {%- set matched = '(case when s._pk_is_delete then ' ~ (pipeline_kit._merge_soft_needed(m) if soft else 'true') ~ ' else ' ~ matched ~ ' end)' -%}
  {%- endif -%}
  {%- set names -%}
    {%- for name in m.target_names %}, {{ adapter.quote(name) }}{% endfor -%}
  {%- endset -%}
  {%- set names = names[2:] -%}
    create temporary table {{ found.dedup_relation }} as
    select {{ rid }} as _pk_rid, {{ 's._pk_is_delete' if hard else 'false' }} as _pk_drop
    {%- for name in m.target_names -%}
      {%- set q, n = adapter.quote(name), name | lower -%}
      , {% if n in managed %}{{ managed[n] }}{% elif n in update_names %}s.{{ q }}{% elif n in insert_names %}case when {{ rid }} is null{{ revive }} then s.{{ q }} else t.{{ q }} end{% else %}t.{{ q }}{% endif %} as {{ q }}
    {%- endfor %}
    from ({{ parts.source }}) as s
    left join {{ target_relation }} as t on {{ parts.match }}
    where case when {{ rid }} is null then {{ 'not s._pk_is_delete' if hard else 'true' }} else {{ parts.newer }} and {{ matched }} end;
    delete from {{ target_relation }} where {{ found.row_id }} in (select _pk_rid from {{ found.dedup_relation }} where _pk_rid is not null);
    insert into {{ target_relation }} ({{ names }})
    select {{ names }} from {{ found.dedup_relation }}{{ ' where not _pk_drop' if hard else '' }};
    drop table if exists {{ found.batch_relation }};
    drop table if exists {{ found.dedup_relation }}
{%- endmacro %}

{#- Merge path: one MERGE statement, or two where the parts give a plain-equality match
    (match_eq): the batch rows whose key columns are all set join the target on `t.k = s.k`
    (a NULL target key never equals a set one, so this is the NULL-safe match for them, and
    PostgreSQL hash-joins it 15-60 ms faster on a 1M-row target than the coalesce form), and
    the rows with a NULL key part take the NULL-safe match; with no such rows that MERGE's hash
    side is empty and PostgreSQL never scans the target. The two touch disjoint rows; the
    plain-equality one runs last, so its row count is the one dbt reports. -#}
{% macro _merge_merge_sql(m, target_relation, parts, found) %}
  {%- set soft = m.delete_mode == 'soft' -%}
  {%- set dml = pipeline_kit._merge_dml_parts(m) -%}
  {%- set passes = [('not (' ~ parts.keys_known ~ ')', parts.match), (parts.keys_known, parts.match_eq)] if parts.match_eq else [(none, parts.match)] -%}
  {%- for rows, match in passes %}
    merge into {{ target_relation }} as t
    using ({% if rows %}select s.* from ({{ parts.source }}) as s where {{ rows }}{% else %}{{ parts.source }}{% endif %}) as s
    on {{ match }}
    {%- if m.has_deletes and soft %}
    when matched and s._pk_is_delete and {{ parts.newer }} and {{ pipeline_kit._merge_soft_live(m) }} then update set {{ pipeline_kit._merge_soft_delete_set(m, true) }}
    when matched and s._pk_is_delete and {{ parts.newer }} and {{ pipeline_kit._merge_soft_needed(m) }} then update set {{ pipeline_kit._merge_soft_delete_set(m, false) }}
    {%- elif m.has_deletes %}
    when matched and s._pk_is_delete and {{ parts.newer }} then delete
    {%- endif %}
    when matched and not s._pk_is_delete and {{ parts.newer }} and {{ parts.changed }} then update set {{ dml.set }}
    when not matched {% if m.has_deletes and not soft %}and not s._pk_is_delete {% endif %}then insert ({{ dml.names }}) values ({{ dml.exprs }}){{ ';' if not loop.last }}
  {%- endfor %}
{%- endmacro %}

{#- SET list of an update from the batch, and the column list and values of an insert from it. -#}
{% macro _merge_dml_parts(m) %}
  {%- set extra = pipeline_kit._merge_managed_dml(m) if m.managed else {'set': '', 'names': '', 'exprs': ''} -%}
  {%- set update_set -%}
    {%- for c in m.update_columns %}, {{ c.quoted }} = s.{{ c.quoted }}{% endfor -%}
  {%- endset -%}
  {%- if m.no_update and m.delete_mode == 'soft' -%}
    {%- set update_set = update_set ~ pipeline_kit._merge_revive_set(m) -%}
  {%- endif -%}
  {{- return({
      'set': update_set[2:] ~ extra.set,
      'names': (m.insert_columns | map(attribute='quoted') | join(', ')) ~ extra.names,
      'exprs': 's.' ~ (m.insert_columns | map(attribute='quoted') | join(', s.')) ~ extra.exprs}) -}}
{% endmacro %}

{#- Soft deletes with columns an update leaves alone (merge_update_columns / _exclude_columns):
    a change reviving a deleted row (or a tombstone of an unseen key) is an insert, so those
    columns take the change's values too; on a live row they keep theirs (keys and the ordering
    column are written as they always are). Each item starts with a comma. -#}
{% macro _merge_revive_set(m) %}
  {%- set written = m.key_columns | map(attribute='name') | list + [m.order_column.name] -%}
  {%- set items = [] -%}
  {%- for c in m.insert_columns if c.name in m.no_update and c.name not in written -%}
    {%- do items.append(', ' ~ c.quoted ~ ' = case when coalesce(t.is_deleted, false) then s.' ~ c.quoted ~ ' else t.' ~ c.quoted ~ ' end') -%}
  {%- endfor -%}
  {{- return(items | join('')) -}}
{% endmacro %}

{#- The soft-delete and audit columns' part of _merge_dml_parts (each piece starts with a comma):
    an update clears the delete mark and stamps _updated_at; an insert sets both. -#}
{% macro _merge_managed_dml(m) %}
  {%- set soft = m.delete_mode == 'soft' -%}
  {{- return({
      'set': (', is_deleted = false, deleted_at = null' if soft else '') ~ ((', _updated_at = ' ~ m.now) if m.audit else ''),
      'names': (', is_deleted, deleted_at' if soft else '') ~ (', _loaded_at, _updated_at' if m.audit else ''),
      'exprs': ((', s._pk_is_delete, case when s._pk_is_delete then s.' ~ adapter.quote(m.order_column.name) ~ ' end') if soft else '') ~ ((', ' ~ m.now ~ ', ' ~ m.now) if m.audit else '')}) -}}
{% endmacro %}

{#- SET list of a soft delete: mark deleted, move the ordering value on, keep the last values: the
    row's, or those of the batch's change before the delete where that change applies (an update
    writes the update columns; reviving a deleted row writes every column, as an insert). -#}
{#- `live`: none decides per row (_merge_soft_live, in the SET); true / false is known from the
    WHEN clause (a MERGE splits the two cases: fakesnow's MERGE copies only the source columns a
    SET or INSERT names directly, not those inside an expression). -#}
{% macro _merge_soft_delete_set(m, live=none) %}
  {%- set q = adapter.quote(m.order_column.name) -%}
  {%- set items = ['is_deleted = true', 'deleted_at = s.' ~ q, q ~ ' = s.' ~ q] -%}
  {%- set fixed = m.key_columns | map(attribute='name') | list + [m.order_column.name] -%}
  {%- set updated = m.update_columns | map(attribute='name') | list -%}
  {%- set applies = [] if live else [pipeline_kit._merge_soft_live(m)] -%}
  {%- for c in m.insert_columns if live is not false and c.name not in fixed -%}
    {#- an update column takes the change's value where it applies; another column only on a revive -#}
    {%- set conditions = applies + ([] if c.name in updated else ['coalesce(t.is_deleted, false)']) -%}
    {%- do items.append(c.quoted ~ ' = ' ~ (('case when ' ~ conditions | join(' and ') ~ ' then s.' ~ c.quoted ~ ' else t.' ~ c.quoted ~ ' end') if conditions else 's.' ~ c.quoted)) -%}
  {%- endfor -%}
  {%- if m.audit -%}
    {%- do items.append('_updated_at = ' ~ m.now) -%}
  {%- endif -%}
  {{- return(items | join(', ')) -}}
{% endmacro %}

{#- A soft delete writes only if the row is not deleted yet, the delete's ordering value differs,
    or a change before it in the batch applies (see _merge_soft_source_columns). -#}
{% macro _merge_soft_needed(m) %}
  {%- set order_q = adapter.quote(m.order_column.name) -%}
  {{- return('(not coalesce(t.is_deleted, false) or t.' ~ order_q ~ ' is distinct from s.' ~ order_q ~ ' or ' ~ pipeline_kit._merge_soft_live(m) ~ ')') -}}
{% endmacro %}

{#- The fallback: the deduplicated batch in a scratch table, then delete / update / insert. Each
    key has one batch row and the conditions exclude each other, so running the clauses one after
    another gives the same result as the MERGE. With incremental_predicates the insert goes first:
    the MERGE decides "not matched" on the table before the batch, and an update can move a row
    out of the predicates (the insert would then see no match and add the key twice); a row the
    insert adds matches the later statements unchanged, so they leave it alone. Returns the
    statements as a list: the materialization sends them one by one to add up their row counts. -#}
{% macro _merge_fallback_sql(m, target_relation, parts, found) %}
  {%- set dedup_relation = found.dedup_relation -%}
  {%- do run_query(adapter.dispatch('_merge_create_scratch', 'pipeline_kit')(dedup_relation, parts.source)) -%}
  {%- set soft = m.delete_mode == 'soft' -%}
  {%- set dml = pipeline_kit._merge_dml_parts(m) -%}
  {%- set insert_filter = '' if soft or not m.has_deletes else 'not s._pk_is_delete and ' -%}
  {%- set statements = [] -%}
  {%- if m.has_deletes and not soft -%}
    {%- do statements.append('delete from ' ~ target_relation ~ ' as t using ' ~ dedup_relation ~ ' as s where ' ~ parts.match ~ ' and s._pk_is_delete and ' ~ parts.newer) -%}
  {%- elif m.has_deletes -%}
    {%- do statements.append('update ' ~ target_relation ~ ' as t set ' ~ pipeline_kit._merge_soft_delete_set(m) ~ ' from ' ~ dedup_relation ~ ' as s where ' ~ parts.match ~ ' and s._pk_is_delete and ' ~ parts.newer ~ ' and ' ~ pipeline_kit._merge_soft_needed(m)) -%}
  {%- endif -%}
  {%- do statements.append('update ' ~ target_relation ~ ' as t set ' ~ dml.set ~ ' from ' ~ dedup_relation ~ ' as s where ' ~ parts.match ~ ' and not s._pk_is_delete and ' ~ parts.newer ~ ' and ' ~ parts.changed) -%}
  {%- do statements.insert(0 if m.predicates else statements | length, 'insert into ' ~ target_relation ~ ' (' ~ dml.names ~ ') select ' ~ dml.exprs ~ ' from ' ~ dedup_relation ~ ' as s where ' ~ insert_filter ~ 'not exists (select 1 from ' ~ target_relation ~ ' as t where ' ~ parts.match ~ ')') -%}
  {{- return(statements) -}}
{% endmacro %}

{#- The fallback's statements (_merge_fallback_sql), one call each, as the materialization's
    `main` result, reporting their summed count (one call reports its last statement's: the
    insert's alone); a count an adapter does not give (-1, DuckDB) leaves the last statement's
    response as it is. A macro of its own: the MERGE and staged paths never compile it. -#}
{% macro _merge_run_fallback(statements, lock_sql) %}
  {%- set responses = [] -%}
  {%- for write_sql in statements %}
    {% call statement('main') %}{{ lock_sql if loop.first }}{{ write_sql }}{% endcall %}
    {%- do responses.append(load_result('main').response) -%}
  {%- endfor -%}
  {%- set counts = responses | map(attribute='rows_affected') | list -%}
  {%- if counts | select('none') | list | length == 0 and counts | min >= 0 -%}
    {%- do store_raw_result('main', message=responses | map('string') | join(', '), code=responses | map(attribute='code') | join('+'), rows_affected=counts | sum) -%}
  {%- endif -%}
{% endmacro %}

{#- The staged row's values of the soft-delete and audit columns (rid: the target row id), and
    with soft deletes those of the updated columns: a delete keeps the row's last values (only the
    ordering value moves on), those of the batch's change before it where that applies. -#}
{% macro _merge_managed_exprs(m, rid) %}
  {%- set exprs = {} -%}
  {%- if m.delete_mode == 'soft' -%}
    {%- set live = pipeline_kit._merge_soft_live(m) -%}
    {%- for column in m.update_columns if column.name | lower != m.order_column.name | lower -%}
      {%- do exprs.update({column.name | lower: 'case when ' ~ rid ~ ' is null or not s._pk_is_delete or ' ~ live ~ ' then s.' ~ column.quoted ~ ' else t.' ~ column.quoted ~ ' end'}) -%}
    {%- endfor -%}
    {%- do exprs.update({'is_deleted': 's._pk_is_delete', 'deleted_at': 'case when s._pk_is_delete then s.' ~ adapter.quote(m.order_column.name) ~ ' end'}) -%}
  {%- endif -%}
  {%- if m.audit -%}
    {%- do exprs.update({'_loaded_at': 'case when ' ~ rid ~ ' is null then ' ~ m.now ~ ' else t._loaded_at end', '_updated_at': m.now}) -%}
  {%- endif -%}
  {{- return(exprs) -}}
{% endmacro %}

{#- The select that creates an empty target with the right columns and types. -#}
{% macro _merge_empty_target_sql(m, staging_relation) %}
  {%- set items = [] -%}
  {%- for column in m.data_columns -%}
    {%- do items.append('_pk_batch.' ~ adapter.quote(column.name) ~ ' as ' ~ adapter.quote(column.name)) -%}
  {%- endfor -%}
  {%- if m.delete_mode == 'soft' -%}
    {%- do items.append('cast(null as boolean) as is_deleted') -%}
    {%- do items.append('_pk_batch.' ~ adapter.quote(m.order_column.name) ~ ' as deleted_at') -%}
  {%- endif -%}
  {%- if m.audit -%}
    {%- do items.append('cast(null as ' ~ pipeline_kit._naive_timestamp_type() ~ ') as _loaded_at') -%}
    {%- do items.append('cast(null as ' ~ pipeline_kit._naive_timestamp_type() ~ ') as _updated_at') -%}
  {%- endif -%}
  {{- return('select ' ~ items | join(', ') ~ ' from ' ~ staging_relation ~ ' as _pk_batch where 1 = 0') -}}
{% endmacro %}

{#- The start of a scratch table's name: the target's name cut to 30 BYTES in UTF-8 (an ASCII name
    to 30 characters, as before), so with the 22 of the suffix and stamp it stays within
    PostgreSQL's 63-byte identifiers. Cut by characters, 21 Japanese characters (63 bytes) were
    truncated by PostgreSQL to the target's own name. A character cut in two is dropped. -#}
{% macro _merge_name_prefix(identifier, limit=30) %}
  {{- return(identifier.encode('utf-8')[:limit].decode('utf-8', 'ignore')) -}}
{% endmacro %}

{#- A scratch relation for the batch (and the staged / fallback deduplicated batch) and its DDL,
    for the adapters without a _merge_prepare of their own. The default is a temporary table:
    session-local, so a short name (within PostgreSQL's 63 characters) will do. -#}
{% macro default___merge_temp_relation(target_relation, suffix) %}
  {%- set identifier = pipeline_kit._merge_name_prefix(target_relation.identifier) ~ suffix ~ modules.datetime.datetime.now().strftime('%H%M%S%f') -%}
  {{- return(target_relation.incorporate(path={'identifier': identifier, 'schema': none, 'database': none})) -}}
{% endmacro %}

{# Snowflake: the scratch table is a transient table in the target schema (see _merge_create_scratch) #}
{% macro snowflake___merge_temp_relation(target_relation, suffix) %}
  {{- return(make_temp_relation(target_relation, suffix)) -}}
{% endmacro %}

{# PostgreSQL: dropped by the commit (see postgres___merge_prepare) #}
{% macro postgres___merge_create_scratch(relation, select_sql) %}
  {{- return('create temporary table ' ~ relation ~ ' on commit drop as (' ~ select_sql ~ '\n)') -}}
{% endmacro %}

{% macro default___merge_create_scratch(relation, select_sql) %}
  {{- return('create temporary table ' ~ relation ~ ' as (' ~ select_sql ~ '\n)') -}}
{% endmacro %}

{# Snowflake: a transient table in the target schema (dropped after the run) rather than a temporary one, whose columns fakesnow cannot describe; the change itself is still one MERGE. Written out rather than through create_table_as, which would hold the batch alone to the model's contract (the contract describes the target, managed columns included: see the materialization) #}
{% macro snowflake___merge_create_scratch(relation, select_sql) %}
  {{- return('create or replace transient table ' ~ relation ~ ' as (' ~ select_sql ~ '\n)') -}}
{% endmacro %}

{#- Full refresh of an existing table: the intermediate and backup relations of the swap, with
    any left over from a failed run dropped. -#}
{% macro _merge_swap_relations(target_relation, existing_relation) %}
  {%- set rebuild = pipeline_kit._rebuild_relations(target_relation, existing_relation.type) -%}
  {%- set intermediate_relation, backup_relation = rebuild.intermediate, rebuild.backup -%}
  {%- do drop_relation_if_exists(load_cached_relation(intermediate_relation)) -%}
  {%- do drop_relation_if_exists(load_cached_relation(backup_relation)) -%}
  {{- return({'intermediate': intermediate_relation, 'backup': backup_relation}) -}}
{% endmacro %}

{#- First build / full refresh: create the empty table; returns the columns it has. -#}
{% macro _merge_create_empty_target(m, build_relation, staging_relation) %}
  {%- do run_query(get_create_table_as_sql(False, build_relation, pipeline_kit._merge_empty_target_sql(m, staging_relation))) -%}
  {{- return({'insert_columns': m.data_columns, 'target_names': (m.data_columns | map(attribute='name') | list) + m.managed}) -}}
{% endmacro %}

{#- After the main statement when a run has a swap, indexes to build, grants, docs or post hooks:
    the swap (a full refresh of an existing table replaces it inside the same transaction), the
    configured indexes of a rebuilt table (see _swap_in_rebuilt), grants and docs, post hooks inside
    the transaction (they still roll the whole run back if they fail), the commit, then the
    backup's drop and the post hooks outside the transaction. -#}
{% macro _merge_finish(target_relation, existing_relation, swap, full_refresh, post_hooks) %}
  {%- if swap -%}
    {%- set retired_relation = pipeline_kit._swap_in_rebuilt(existing_relation, swap.intermediate, swap.backup, target_relation) -%}
  {%- endif -%}
  {%- if full_refresh and config.get('indexes') -%}
    {% do create_indexes(target_relation) %}
  {%- endif -%}
  {%- set grant_config = config.get('grants') -%}
  {%- if grant_config -%}
    {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke(existing_relation, full_refresh_mode=full_refresh)) %}
  {%- endif -%}
  {%- if config.persist_relation_docs() or config.persist_column_docs() -%}
    {% do persist_docs(target_relation, model) %}
  {%- endif -%}
  {%- if post_hooks -%}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
  {%- endif -%}
  {% do adapter.commit() %}
  {%- if swap -%}
    {% do adapter.drop_relation(retired_relation) %}
  {%- endif -%}
  {%- if post_hooks -%}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
  {%- endif -%}
{% endmacro %}
