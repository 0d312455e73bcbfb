{#- SQL builders of the pipeline_kit_merge materialization. `m` is the resolved config from
    _merge_resolve_columns plus: insert_columns / update_columns (Column objects present in the
    target), `now` (one timestamp literal per run). Aliases: t = target, s = deduplicated batch. -#}

{#- Is this change a delete? NULL operations / flags are not deletes. -#}
{% macro _merge_is_delete_expr(m, alias) %}
  {%- if m.op_column_obj is not none -%}
    {%- set literals = [] -%}
    {%- for value in m.delete_values -%}
      {%- do literals.append(value if value is number else pipeline_kit._string_literal(value)) -%}
    {%- endfor -%}
    {{- return('coalesce(' ~ alias ~ '.' ~ adapter.quote(m.op_column_obj.name) ~ ' in (' ~ literals | join(', ') ~ '), false)') -}}
  {%- elif m.flag_column_obj is not none -%}
    {{- return('coalesce(' ~ alias ~ '.' ~ adapter.quote(m.flag_column_obj.name) ~ ', false)') -}}
  {%- endif -%}
  {{- return('false') -}}
{% endmacro %}

{#- The batch reduced to one change per key: the latest by the ordering column (NULLs oldest);
    on a tie a delete wins, then the smallest row by every column, so the pick is deterministic. -#}
{% macro _merge_source_sql(m, staging_relation) %}
  {%- set is_delete = pipeline_kit._merge_is_delete_expr(m, '_pk_batch') if m.op_column_obj is not none or m.flag_column_obj is not none else 'false' -%}
  {%- set order_items = ['_pk_batch.' ~ adapter.quote(m.order_column.name) ~ ' desc nulls last', 'case when ' ~ is_delete ~ ' then 1 else 0 end desc'] -%}
  {%- for column in m.data_columns -%}
    {%- do order_items.append('_pk_batch.' ~ adapter.quote(column.name) ~ ' nulls last') -%}
  {%- endfor -%}
  {%- set partition = [] -%}
  {%- for column in m.key_columns -%}
    {%- do partition.append('_pk_batch.' ~ adapter.quote(column.name)) -%}
  {%- endfor -%}
  {%- set sql -%}
    select _pk_ranked.*
    from (
      select
        _pk_batch.*,
        {{ is_delete }} as _pk_is_delete,
        row_number() over (partition by {{ partition | join(', ') }} order by {{ order_items | join(', ') }}) as _pk_rn
      from {{ staging_relation }} as _pk_batch
    ) as _pk_ranked
    where _pk_ranked._pk_rn = 1
  {%- endset -%}
  {{- return(sql) -}}
{% endmacro %}

{#- Null-safe key match between target t and batch s (its callers dispatch _merge_key_match directly). -#}
{% macro default___merge_key_match(m) %}
  {%- set parts = [] -%}
  {%- for column in m.key_columns -%}
    {%- set q = adapter.quote(column.name) -%}
    {%- do parts.append('t.' ~ q ~ ' is not distinct from s.' ~ q) -%}
  {%- endfor -%}
  {{- return(parts | join(' and ')) -}}
{% endmacro %}

{# PostgreSQL: IS NOT DISTINCT FROM is not hashable (a 1M-row target would be nested-looped); equal null flags plus equal coalesced values are two hashable equalities with the same meaning #}
{% macro postgres___merge_key_match(m) %}
  {%- set parts = [] -%}
  {%- for column in m.key_columns -%}
    {%- set q = adapter.quote(column.name) -%}
    {%- if column.is_number() -%}
      {%- set t_value, s_value = 'coalesce(t.' ~ q ~ ', 0)', 'coalesce(s.' ~ q ~ ', 0)' -%}
    {%- elif column.is_string() -%}
      {%- set t_value, s_value = "coalesce(t." ~ q ~ ", '')", "coalesce(s." ~ q ~ ", '')" -%}
    {%- else -%}
      {%- set t_value, s_value = "coalesce(cast(t." ~ q ~ " as text), '')", "coalesce(cast(s." ~ q ~ " as text), '')" -%}
    {%- endif -%}
    {%- do parts.append('(t.' ~ q ~ ' is null) = (s.' ~ q ~ ' is null) and ' ~ t_value ~ ' = ' ~ s_value) -%}
  {%- endfor -%}
  {{- return(parts | join(' and ')) -}}
{% endmacro %}

{# DuckDB: its hash join on IS NOT DISTINCT FROM is about twice as slow (1M-row target) as the two plain equalities PostgreSQL uses #}
{% macro duckdb___merge_key_match(m) %}
  {{- return(pipeline_kit.postgres___merge_key_match(m)) -}}
{% endmacro %}

{#- The batch row is not older than the target row (a target without an ordering value loses). -#}
{% macro _merge_newer(m) %}
  {%- set q = adapter.quote(m.order_column.name) -%}
  {{- return('(t.' ~ q ~ ' is null or s.' ~ q ~ ' >= t.' ~ q ~ ')') -}}
{% endmacro %}

{#- Something the update would write differs (NULL-safe), so unchanged rows are never rewritten. -#}
{% macro _merge_changed(m) %}
  {%- set parts = [] -%}
  {%- for column in m.update_columns -%}
    {%- set q = adapter.quote(column.name) -%}
    {%- do parts.append('t.' ~ q ~ ' is distinct from s.' ~ q) -%}
  {%- endfor -%}
  {%- if m.delete_mode == 'soft' -%}
    {%- do parts.append('coalesce(t.is_deleted, false)') -%}
  {%- endif -%}
  {{- return('(' ~ parts | join(' or ') ~ ')') -}}
{% endmacro %}

{#- SET list of an update from the batch. -#}
{% macro _merge_update_set(m) %}
  {%- set items = [] -%}
  {%- for column in m.update_columns -%}
    {%- set q = adapter.quote(column.name) -%}
    {%- do items.append(q ~ ' = s.' ~ q) -%}
  {%- endfor -%}
  {%- if m.delete_mode == 'soft' -%}
    {%- do items.append('is_deleted = false') -%}
    {%- do items.append('deleted_at = null') -%}
  {%- endif -%}
  {%- if m.audit -%}
    {%- do items.append('_updated_at = ' ~ m.now) -%}
  {%- endif -%}
  {{- return(items | join(', ')) -}}
{% endmacro %}

{#- SET list of a soft delete: keep the last values, mark deleted, move the ordering value on. -#}
{% macro _merge_soft_delete_set(m) %}
  {%- set q = adapter.quote(m.order_column.name) -%}
  {%- set items = ['is_deleted = true', 'deleted_at = s.' ~ q, q ~ ' = s.' ~ q] -%}
  {%- if m.audit -%}
    {%- do items.append('_updated_at = ' ~ m.now) -%}
  {%- endif -%}
  {{- return(items | join(', ')) -}}
{% endmacro %}

{#- Column list and values of an insert from the batch. -#}
{% macro _merge_insert_parts(m) %}
  {%- set names, values = [], [] -%}
  {%- for column in m.insert_columns -%}
    {%- set q = adapter.quote(column.name) -%}
    {%- do names.append(q) -%}
    {%- do values.append('s.' ~ q) -%}
  {%- endfor -%}
  {%- if m.delete_mode == 'soft' -%}
    {%- do names.append('is_deleted') -%}
    {%- do values.append('s._pk_is_delete') -%}
    {%- do names.append('deleted_at') -%}
    {%- do values.append('case when s._pk_is_delete then s.' ~ adapter.quote(m.order_column.name) ~ ' end') -%}
  {%- endif -%}
  {%- if m.audit -%}
    {%- do names.append('_loaded_at') -%}
    {%- do values.append(m.now) -%}
    {%- do names.append('_updated_at') -%}
    {%- do values.append(m.now) -%}
  {%- endif -%}
  {{- return({'names': names | join(', '), 'exprs': values | join(', ')}) -}}
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

{#- The statements that apply the batch: one MERGE, or the equivalent fallback sequence. -#}
{% macro _merge_statements(m, target_relation, source_sql, use_merge) %}
  {%- if not use_merge -%}
    {{- return(pipeline_kit._merge_fallback_sql(m, target_relation, source_sql)) -}}
  {%- endif -%}
  {%- set newer = pipeline_kit._merge_newer(m) -%}
  {%- set has_deletes = m.op_column_obj is not none or m.flag_column_obj is not none -%}
  {%- set insert = pipeline_kit._merge_insert_parts(m) -%}
  {%- set sql -%}
    merge into {{ target_relation }} as t
    using ({{ source_sql }}) as s
    on {{ adapter.dispatch('_merge_key_match', 'pipeline_kit')(m) }}
    {%- if has_deletes %}
    {{ pipeline_kit._merge_delete_clause(m, newer) }}
    {%- endif %}
    when matched and not s._pk_is_delete and {{ newer }} and {{ pipeline_kit._merge_changed(m) }} then update set {{ pipeline_kit._merge_update_set(m) }}
    when not matched {% if has_deletes and m.delete_mode != 'soft' %}and not s._pk_is_delete {% endif %}then insert ({{ insert.names }}) values ({{ insert.exprs }})
  {%- endset -%}
  {{- return([sql]) -}}
{% endmacro %}

{#- The MERGE's clause for a matched delete: delete the row, or mark it deleted (soft). -#}
{% macro _merge_delete_clause(m, newer) %}
  {%- if m.delete_mode == 'soft' -%}
    {{- return('when matched and s._pk_is_delete and ' ~ newer ~ ' and ' ~ pipeline_kit._merge_soft_needed(m) ~ ' then update set ' ~ pipeline_kit._merge_soft_delete_set(m)) -}}
  {%- endif -%}
  {{- return('when matched and s._pk_is_delete and ' ~ newer ~ ' then delete') -}}
{% endmacro %}

{#- A soft delete writes only if the row is not deleted yet or the delete's ordering value differs. -#}
{% macro _merge_soft_needed(m) %}
  {%- set order_q = adapter.quote(m.order_column.name) -%}
  {{- return('(not coalesce(t.is_deleted, false) or t.' ~ order_q ~ ' is distinct from s.' ~ order_q ~ ')') -}}
{% endmacro %}

{#- The fallback statements: each key has one batch row and the conditions exclude each other, so
    running the clauses one after another gives the same result as the MERGE. -#}
{% macro _merge_fallback_sql(m, target_relation, source_sql) %}
  {%- set match = adapter.dispatch('_merge_key_match', 'pipeline_kit')(m) -%}
  {%- set newer = pipeline_kit._merge_newer(m) -%}
  {%- set changed = pipeline_kit._merge_changed(m) -%}
  {%- set has_deletes = m.op_column_obj is not none or m.flag_column_obj is not none -%}
  {%- set soft = m.delete_mode == 'soft' -%}
  {%- set insert = pipeline_kit._merge_insert_parts(m) -%}
  {%- set insert_filter = '' if soft or not has_deletes else 'not s._pk_is_delete' -%}
  {%- set statements = [] -%}
  {%- if has_deletes and not soft -%}
    {%- do statements.append('delete from ' ~ target_relation ~ ' as t using ' ~ source_sql ~ ' as s where ' ~ match ~ ' and s._pk_is_delete and ' ~ newer) -%}
  {%- endif -%}
  {%- if has_deletes and soft -%}
    {%- do statements.append('update ' ~ target_relation ~ ' as t set ' ~ pipeline_kit._merge_soft_delete_set(m) ~ ' from ' ~ source_sql ~ ' as s where ' ~ match ~ ' and s._pk_is_delete and ' ~ newer ~ ' and ' ~ pipeline_kit._merge_soft_needed(m)) -%}
  {%- endif -%}
  {%- do statements.append('update ' ~ target_relation ~ ' as t set ' ~ pipeline_kit._merge_update_set(m) ~ ' from ' ~ source_sql ~ ' as s where ' ~ match ~ ' and not s._pk_is_delete and ' ~ newer ~ ' and ' ~ changed) -%}
  {%- do statements.append('insert into ' ~ target_relation ~ ' (' ~ insert.names ~ ') select ' ~ insert.exprs ~ ' from ' ~ source_sql ~ ' as s where ' ~ ((insert_filter ~ ' and ') if insert_filter else '') ~ 'not exists (select 1 from ' ~ target_relation ~ ' as t where ' ~ match ~ ')') -%}
  {{- return(statements) -}}
{% endmacro %}

{#- Staged path: the deduplicated batch joined once with the target gives the final row of every
    key that changes and the row id of the target row it replaces; then one delete by row id and
    one insert of whole rows. An update is a delete plus an insert: columns it does not update are
    copied from the target row, target columns the batch lacks are kept. Same rules as the MERGE. -#}
{% macro _merge_staged_sql(m, target_relation, source_sql, scratch_relation, row_id) %}
  {%- set rid = 't.' ~ row_id -%}
  {%- set has_deletes = m.op_column_obj is not none or m.flag_column_obj is not none -%}
  {%- set soft = m.delete_mode == 'soft' -%}
  {%- set hard_deletes = has_deletes and not soft -%}
  {%- set update_names = m.update_columns | map(attribute='name') | map('lower') | list -%}
  {%- set insert_names = m.insert_columns | map(attribute='name') | map('lower') | list -%}
  {%- set managed = pipeline_kit._merge_managed_exprs(m, rid) if m.managed else {} -%}
  {%- set names, exprs = [], [] -%}
  {%- for name in m.target_names -%}
    {%- set q = adapter.quote(name) -%}
    {%- set lowered = name | lower -%}
    {%- if lowered in managed -%}
      {%- set expr = managed[lowered] -%}
    {%- elif lowered in update_names -%}
      {%- set keep = soft and lowered != m.order_column.name | lower -%}
      {%- set expr = ('case when ' ~ rid ~ ' is null or not s._pk_is_delete then s.' ~ q ~ ' else t.' ~ q ~ ' end') if keep else 's.' ~ q -%}
    {%- elif lowered in insert_names -%}
      {%- set expr = 'case when ' ~ rid ~ ' is null then s.' ~ q ~ ' else t.' ~ q ~ ' end' -%}
    {%- else -%}
      {%- set expr = 't.' ~ q -%}
    {%- endif -%}
    {%- do names.append(q) -%}
    {%- do exprs.append(expr ~ ' as ' ~ q) -%}
  {%- endfor -%}
  {%- set newer = pipeline_kit._merge_newer(m) -%}
  {%- set matched = pipeline_kit._merge_changed(m) -%}
  {%- if has_deletes -%}
    {%- set matched = '(case when s._pk_is_delete then ' ~ (pipeline_kit._merge_soft_needed(m) if soft else 'true') ~ ' else ' ~ matched ~ ' end)' -%}
  {%- endif -%}
  {%- set sql -%}
    create temporary table {{ scratch_relation }} as
    select {{ rid }} as _pk_rid, {{ 's._pk_is_delete' if hard_deletes else 'false' }} as _pk_drop, {{ exprs | join(', ') }}
    from ({{ source_sql }}) as s
    left join {{ target_relation }} as t on {{ adapter.dispatch('_merge_key_match', 'pipeline_kit')(m) }}
    where case when {{ rid }} is null then {{ 'not s._pk_is_delete' if hard_deletes else 'true' }} else {{ newer }} and {{ matched }} end;
    delete from {{ target_relation }} where {{ row_id }} in (select _pk_rid from {{ scratch_relation }} where _pk_rid is not null);
    insert into {{ target_relation }} ({{ names | join(', ') }})
    select {{ names | join(', ') }} from {{ scratch_relation }}{{ ' where not _pk_drop' if hard_deletes else '' }}
  {%- endset -%}
  {{- return(sql) -}}
{% endmacro %}

{#- The staged row's values of the soft-delete and audit columns (rid: the target row id). -#}
{% macro _merge_managed_exprs(m, rid) %}
  {%- set exprs = {} -%}
  {%- if m.delete_mode == 'soft' -%}
    {%- do exprs.update({'is_deleted': 's._pk_is_delete', 'deleted_at': 'case when s._pk_is_delete then s.' ~ adapter.quote(m.order_column.name) ~ ' end'}) -%}
  {%- endif -%}
  {%- if m.audit -%}
    {%- do exprs.update({'_loaded_at': 'case when ' ~ rid ~ ' is null then ' ~ m.now ~ ' else t._loaded_at end', '_updated_at': m.now}) -%}
  {%- endif -%}
  {{- return(exprs) -}}
{% endmacro %}

{#- Columns of the batch and of the target (none on a first build / full refresh) in one query
    where the engine allows, and the path that applies the change: 'staged' (delete + insert by
    row id), 'merge' (one MERGE) or 'fallback' (delete / update / insert without MERGE).
    Snowflake keeps dbt's column lookups (fakesnow cannot describe temporary tables). Returns {'batch': [Column], 'target': [Column], 'path': ..., 'row_id': ...}. -#}
{% macro default___merge_introspect(batch_relation, target_relation) %}
  {%- if target_relation is not none -%}
    {%- do adapter.expand_target_column_types(from_relation=batch_relation, to_relation=target_relation) -%}
  {%- endif -%}
  {{- return({
      'batch': adapter.get_columns_in_relation(batch_relation),
      'target': adapter.get_columns_in_relation(target_relation) if target_relation is not none else [],
      'path': 'merge', 'row_id': none}) -}}
{% endmacro %}

{# DuckDB: both DESCRIBEs in one query (no string widening to do), and the staged path: an UPDATE or MERGE of scattered rows makes the COMMIT rewrite far more than a delete + insert #}
{% macro duckdb___merge_introspect(batch_relation, target_relation) %}
  {%- set parts = ["select 'batch' as k, column_name, column_type, null, null, null, row_number() over () as pos from (describe " ~ batch_relation ~ ")"] -%}
  {%- if target_relation is not none -%}
    {%- do parts.append("select 'target', column_name, column_type, null, null, null, row_number() over () from (describe " ~ target_relation ~ ")") -%}
  {%- endif -%}
  {{- return(pipeline_kit._merge_columns_result(parts | join(' union all ') ~ ' order by k, pos', 'staged', 'rowid')) -}}
{% endmacro %}

{# PostgreSQL: one information_schema query for both tables that also reads the server version (MERGE from 15 on, else the fallback) #}
{% macro postgres___merge_introspect(batch_relation, target_relation) %}
  {%- set batch_name = pipeline_kit._string_literal(batch_relation.identifier) -%}
  {%- set sql -%}
    select case when table_name = {{ batch_name }} then 'batch' else 'target' end as k, column_name, data_type, character_maximum_length, numeric_precision, numeric_scale, ordinal_position as pos
    from {{ batch_relation.information_schema('columns') }}
    where table_name = {{ batch_name }}
    {%- if target_relation is not none %} or (table_name = {{ pipeline_kit._string_literal(target_relation.identifier) }} and table_schema = {{ pipeline_kit._string_literal(target_relation.schema) }}){% endif %}
    union all select 'version', current_setting('server_version_num'), null, null, null, null, 0
    order by k, pos
  {%- endset -%}
  {%- set found = pipeline_kit._merge_columns_result(sql, 'merge', none) -%}
  {%- if found.version < 150000 -%}
    {%- do found.update({'path': 'fallback'}) -%}
  {%- endif -%}
  {#- dbt widens the target's varchar(n) columns to the batch's lengths; only call it when needed -#}
  {%- set narrower = [] -%}
  {%- for column in found.target -%}
    {%- for source in found.batch if source.name == column.name and column.can_expand_to(source) -%}
      {%- do narrower.append(column.name) -%}
    {%- endfor -%}
  {%- endfor -%}
  {%- if narrower -%}
    {%- do adapter.expand_target_column_types(from_relation=batch_relation, to_relation=target_relation) -%}
  {%- endif -%}
  {{- return(found) -}}
{% endmacro %}

{#- Run a column query (rows: 'batch' / 'target' / 'version', then dbt's five column fields) into Column objects. -#}
{% macro _merge_columns_result(sql, path, row_id) %}
  {%- call statement('pk_merge_columns', fetch_result=True) -%}{{ sql }}{%- endcall -%}
  {%- set found = {'batch': [], 'target': [], 'path': path, 'row_id': row_id, 'version': 0} -%}
  {%- for row in load_result('pk_merge_columns').table.rows -%}
    {%- if row[0] == 'version' -%}
      {%- do found.update({'version': row[1] | int}) -%}
    {%- else -%}
      {%- do found[row[0]].append(api.Column(row[1], row[2], row[3], row[4], row[5])) -%}
    {%- endif -%}
  {%- endfor -%}
  {{- return(found) -}}
{% endmacro %}

{#- A scratch relation for the batch (and the staged / fallback deduplicated batch) and its DDL.
    The materialization calls adapter.dispatch for _merge_introspect, _merge_temp_relation and
    _merge_create_scratch itself: a wrapper macro would be one more template to compile per run.
    The default is a temporary table: session-local, so a short name (within PostgreSQL's 63
    characters) will do. -#}
{% macro default___merge_temp_relation(target_relation, suffix) %}
  {%- set identifier = target_relation.identifier[:30] ~ suffix ~ modules.datetime.datetime.now().strftime('%H%M%S%f') -%}
  {{- return(target_relation.incorporate(path={'identifier': identifier, 'schema': none, 'database': none})) -}}
{% endmacro %}

{# Snowflake: the scratch table is a transient table in the target schema (see _merge_create_scratch) #}
{% macro snowflake___merge_temp_relation(target_relation, suffix) %}
  {{- return(make_temp_relation(target_relation, suffix)) -}}
{% endmacro %}

{% macro default___merge_create_scratch(relation, select_sql) %}
  {{- return('create temporary table ' ~ relation ~ ' as (' ~ select_sql ~ '\n)') -}}
{% endmacro %}

{# Snowflake: a transient table in the target schema (dropped after the run) rather than a temporary one, whose columns fakesnow cannot describe; the change itself is still one MERGE #}
{% macro snowflake___merge_create_scratch(relation, select_sql) %}
  {{- return(get_create_table_as_sql(False, relation, select_sql)) -}}
{% endmacro %}

{#- Full refresh of an existing table: the intermediate and backup relations of the swap, with
    any left over from a failed run dropped. -#}
{% macro _merge_swap_relations(target_relation, existing_relation) %}
  {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
  {%- set backup_relation = make_backup_relation(target_relation, existing_relation.type) -%}
  {%- do drop_relation_if_exists(load_cached_relation(intermediate_relation)) -%}
  {%- do drop_relation_if_exists(load_cached_relation(backup_relation)) -%}
  {{- return({'intermediate': intermediate_relation, 'backup': backup_relation}) -}}
{% endmacro %}

{#- First build / full refresh: create the empty table; returns the columns it has. -#}
{% macro _merge_create_empty_target(m, build_relation, staging_relation) %}
  {%- do run_query(get_create_table_as_sql(False, build_relation, pipeline_kit._merge_empty_target_sql(m, staging_relation))) -%}
  {{- return({'insert_columns': m.data_columns, 'target_names': (m.data_columns | map(attribute='name') | list) + m.managed}) -}}
{% endmacro %}

{#- The fallback: the deduplicated batch in a scratch table, then delete / update / insert. -#}
{% macro _merge_fallback_statements(m, target_relation, source_sql, scratch_relation) %}
  {%- do run_query(adapter.dispatch('_merge_create_scratch', 'pipeline_kit')(scratch_relation, source_sql)) -%}
  {{- return(pipeline_kit._merge_fallback_sql(m, target_relation, scratch_relation)) -}}
{% endmacro %}
