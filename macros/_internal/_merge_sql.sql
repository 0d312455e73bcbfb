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
  {%- set is_delete = pipeline_kit._merge_is_delete_expr(m, '_pk_batch') -%}
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

{#- Null-safe key match between target t and batch s. -#}
{% macro _merge_key_match(m) %}
  {{- return(adapter.dispatch('_merge_key_match', 'pipeline_kit')(m)) -}}
{% endmacro %}

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

{#- Can this connection run one MERGE statement (else: delete, update, insert in one transaction)? -#}
{% macro _merge_supports_merge() %}
  {{- return(adapter.dispatch('_merge_supports_merge', 'pipeline_kit')()) -}}
{% endmacro %}

{% macro default___merge_supports_merge() %}
  {{- return(true) -}}
{% endmacro %}

{# PostgreSQL: MERGE exists from version 15 on; older servers take the fallback #}
{% macro postgres___merge_supports_merge() %}
  {%- set version = run_query('show server_version_num').columns[0].values()[0] | int -%}
  {{- return(version >= 150000) -}}
{% endmacro %}

{# DuckDB: MERGE INTO exists from 1.4 on #}
{% macro duckdb___merge_supports_merge() %}
  {%- set text = run_query('select version()').columns[0].values()[0] | string -%}
  {%- set found = modules.re.match('v?(\\d+)\\.(\\d+)', text) -%}
  {{- return(found is not none and (found.group(1) | int, found.group(2) | int) >= (1, 4)) -}}
{% endmacro %}

{#- The statements that apply the batch: one MERGE, or the equivalent fallback sequence. -#}
{% macro _merge_statements(m, target_relation, source_sql, use_merge) %}
  {%- set match = pipeline_kit._merge_key_match(m) -%}
  {%- set newer = pipeline_kit._merge_newer(m) -%}
  {%- set changed = pipeline_kit._merge_changed(m) -%}
  {%- set order_q = adapter.quote(m.order_column.name) -%}
  {%- set has_deletes = m.op_column_obj is not none or m.flag_column_obj is not none -%}
  {%- set soft = m.delete_mode == 'soft' -%}
  {%- set insert = pipeline_kit._merge_insert_parts(m) -%}
  {%- set insert_filter = '' if soft or not has_deletes else 'not s._pk_is_delete' -%}
  {%- set soft_needed = '(not coalesce(t.is_deleted, false) or t.' ~ order_q ~ ' is distinct from s.' ~ order_q ~ ')' -%}
  {%- set statements = [] -%}
  {%- if use_merge -%}
    {%- set sql -%}
      merge into {{ target_relation }} as t
      using ({{ source_sql }}) as s
      on {{ match }}
      {%- if has_deletes and not soft %}
      when matched and s._pk_is_delete and {{ newer }} then delete
      {%- endif %}
      {%- if has_deletes and soft %}
      when matched and s._pk_is_delete and {{ newer }} and {{ soft_needed }} then update set {{ pipeline_kit._merge_soft_delete_set(m) }}
      {%- endif %}
      when matched and not s._pk_is_delete and {{ newer }} and {{ changed }} then update set {{ pipeline_kit._merge_update_set(m) }}
      when not matched {% if insert_filter %}and {{ insert_filter }} {% endif %}then insert ({{ insert.names }}) values ({{ insert.exprs }})
    {%- endset -%}
    {%- do statements.append(sql) -%}
  {%- else -%}
    {#- Each key has one batch row and the conditions exclude each other, so running the
        clauses one after another gives the same result as the MERGE above. -#}
    {%- if has_deletes and not soft -%}
      {%- do statements.append('delete from ' ~ target_relation ~ ' as t using ' ~ source_sql ~ ' as s where ' ~ match ~ ' and s._pk_is_delete and ' ~ newer) -%}
    {%- endif -%}
    {%- if has_deletes and soft -%}
      {%- do statements.append('update ' ~ target_relation ~ ' as t set ' ~ pipeline_kit._merge_soft_delete_set(m) ~ ' from ' ~ source_sql ~ ' as s where ' ~ match ~ ' and s._pk_is_delete and ' ~ newer ~ ' and ' ~ soft_needed) -%}
    {%- endif -%}
    {%- do statements.append('update ' ~ target_relation ~ ' as t set ' ~ pipeline_kit._merge_update_set(m) ~ ' from ' ~ source_sql ~ ' as s where ' ~ match ~ ' and not s._pk_is_delete and ' ~ newer ~ ' and ' ~ changed) -%}
    {%- do statements.append('insert into ' ~ target_relation ~ ' (' ~ insert.names ~ ') select ' ~ insert.exprs ~ ' from ' ~ source_sql ~ ' as s where ' ~ ((insert_filter ~ ' and ') if insert_filter else '') ~ 'not exists (select 1 from ' ~ target_relation ~ ' as t where ' ~ match ~ ')') -%}
  {%- endif -%}
  {{- return(statements) -}}
{% endmacro %}

{#- A scratch relation for the batch (and the fallback's deduplicated batch) and its DDL. -#}
{% macro _merge_temp_relation(target_relation, suffix) %}
  {{- return(adapter.dispatch('_merge_temp_relation', 'pipeline_kit')(target_relation, suffix)) -}}
{% endmacro %}

{% macro default___merge_temp_relation(target_relation, suffix) %}
  {{- return(make_temp_relation(target_relation, suffix)) -}}
{% endmacro %}

{% macro _merge_create_scratch(relation, select_sql) %}
  {{- return(adapter.dispatch('_merge_create_scratch', 'pipeline_kit')(relation, select_sql)) -}}
{% endmacro %}

{% macro default___merge_create_scratch(relation, select_sql) %}
  {{- return(get_create_table_as_sql(True, relation, select_sql)) -}}
{% endmacro %}

{# Snowflake: a transient table in the target schema (dropped after the run) rather than a temporary one, whose columns fakesnow cannot describe; the change itself is still one MERGE #}
{% macro snowflake___merge_create_scratch(relation, select_sql) %}
  {{- return(get_create_table_as_sql(False, relation, select_sql)) -}}
{% endmacro %}
