{#- Configuration of the pipeline_kit_merge materialization, validated before any SQL runs.
    _merge_static_config reads only the model's config (no warehouse); _merge_resolve_columns
    matches the configured names against the batch's real columns (the exact name, else the one
    column of that name in any case) and
    returns quoted names. Every problem raises through pipeline_kit._raise with the argument. -#}

{% macro _merge_static_config() %}
  {%- set name, unique_key, order_by = 'pipeline_kit_merge', config.get('unique_key'), pipeline_kit._config_get('merge_order_by') -%}
  {%- do pipeline_kit._refuse_misspelt_settings(name, 'unique_key merge_order_by merge_op_column merge_deleted_flag_column merge_delete_values merge_delete_mode merge_update_columns merge_exclude_columns merge_audit_columns merge_force_fallback on_schema_change incremental_predicates'.split(), prefix='merge_') -%}
  {%- if not unique_key or unique_key is string and unique_key | trim == '' -%}
    {{ pipeline_kit._raise(name, '`unique_key` is required (a column name or a list of them)', unique_key) }}
  {%- endif -%}
  {#- the defaults of the optional settings and of what _merge_resolve_options resolves (JSON: one
      Jinja node where a dict literal would be dozens) -#}
  {%- set cfg = fromjson('{"op_column": null, "flag_column": null, "delete_values": ["D"], "delete_mode": "hard", "update_columns": null, "exclude_columns": [], "on_schema_change": "ignore", "audit": false, "force_fallback": false, "managed": [], "now": null, "options": false, "op_column_obj": null, "flag_column_obj": null, "has_deletes": false, "control": [], "no_update": [], "predicates": "", "cast_batch": []}') -%}
  {#- a name written as dbt's own strategies need it, in double quotes (unique_key='"Order ID"'), is the column's name: no column name holds a double quote (see _raise_quoted_name) -#}
  {#- the quotes are kept: a quoted name matches only the column of exactly that name (_merge_find_column) -#}
  {%- do cfg.update({'unique_key': ([unique_key | trim] if unique_key is string else pipeline_kit._as_list(name, 'unique_key', unique_key) | map('trim')) | list, 'order_by': order_by | trim}) -%}
  {%- if order_by is not string or order_by | trim == '' -%}
    {{ pipeline_kit._raise(name, '`merge_order_by` is required: one column (updated_at or a sequence) that decides which change wins', order_by) }}
  {%- endif -%}
  {#- the optional settings are read and validated by a macro of their own, called only when one is set -#}
  {%- for key in 'merge_op_column merge_deleted_flag_column merge_delete_values merge_delete_mode merge_update_columns merge_exclude_columns on_schema_change merge_audit_columns merge_force_fallback incremental_predicates'.split() if not cfg.options -%}
    {%- set value = pipeline_kit._config_get(key) -%}
    {%- if value is not none and value is not sameas false and (key != 'on_schema_change' or value != 'ignore') -%}
      {%- do cfg.update(pipeline_kit._merge_option_config(name)) -%}
    {%- endif -%}
  {%- endfor -%}
  {{- return(cfg) -}}
{% endmacro %}

{#- The optional settings of pipeline_kit_merge, validated. -#}
{% macro _merge_option_config(name) %}
  {%- set op_column = pipeline_kit._config_get('merge_op_column') -%}
  {%- set flag_column = pipeline_kit._config_get('merge_deleted_flag_column') -%}
  {%- if op_column is not none and (op_column is not string or op_column | trim == '') -%}
    {{ pipeline_kit._raise(name, '`merge_op_column` must be a column name', op_column) }}
  {%- endif -%}
  {%- if flag_column is not none and (flag_column is not string or flag_column | trim == '') -%}
    {{ pipeline_kit._raise(name, '`merge_deleted_flag_column` must be a column name', flag_column) }}
  {%- endif -%}
  {%- if op_column and flag_column -%}
    {{ pipeline_kit._raise(name, 'set either `merge_op_column` or `merge_deleted_flag_column`, not both', [op_column, flag_column]) }}
  {%- endif -%}
  {%- set delete_values = pipeline_kit._config_get('merge_delete_values', ['D']) -%}
  {%- if delete_values is string or delete_values is number -%}
    {%- set delete_values = [delete_values] -%}
  {%- endif -%}
  {%- if delete_values is none or delete_values is mapping or delete_values is not iterable or delete_values | length == 0 -%}
    {{ pipeline_kit._raise(name, '`merge_delete_values` must be a non-empty list of operation values', delete_values) }}
  {%- endif -%}
  {%- set delete_mode = pipeline_kit._config_get('merge_delete_mode') -%}
  {%- if delete_mode is not none and delete_mode not in ['hard', 'soft'] -%}
    {{ pipeline_kit._raise(name, "`merge_delete_mode` must be 'hard' or 'soft'", delete_mode) }}
  {%- endif -%}
  {%- if delete_mode is not none and not op_column and not flag_column -%}
    {{ pipeline_kit._raise(name, '`merge_delete_mode` needs `merge_op_column` or `merge_deleted_flag_column` to know which rows are deletes', delete_mode) }}
  {%- endif -%}
  {%- set update_columns = pipeline_kit._config_get('merge_update_columns') -%}
  {%- set exclude_columns = pipeline_kit._config_get('merge_exclude_columns') -%}
  {%- if update_columns is not none and exclude_columns is not none -%}
    {{ pipeline_kit._raise(name, 'set either `merge_update_columns` or `merge_exclude_columns`, not both', [update_columns, exclude_columns]) }}
  {%- endif -%}
  {%- set on_schema_change = pipeline_kit._config_get('on_schema_change') or 'ignore' -%}
  {%- if on_schema_change not in ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'] -%}
    {{ pipeline_kit._raise(name, "`on_schema_change` must be one of 'ignore', 'fail', 'append_new_columns', 'sync_all_columns'", on_schema_change) }}
  {%- endif -%}
  {%- set audit = pipeline_kit._config_get('merge_audit_columns', false) -%}
  {%- if audit is not boolean -%}
    {{ pipeline_kit._raise(name, '`merge_audit_columns` must be true or false', audit) }}
  {%- endif -%}
  {%- set force_fallback = pipeline_kit._config_get('merge_force_fallback', false) -%}
  {%- if force_fallback is not boolean -%}
    {{ pipeline_kit._raise(name, '`merge_force_fallback` must be true or false', force_fallback) }}
  {%- endif -%}
  {#- dbt's incremental_predicates: conditions on DBT_INTERNAL_DEST (the target row) and
      DBT_INTERNAL_SOURCE (the batch row) added to the key match of every path, as dbt's merge
      adds them; a target row outside them is not matched (the batch row is inserted) -#}
  {%- set predicates = pipeline_kit._config_get('incremental_predicates') or [] -%}
  {%- set predicates = [predicates] if predicates is string else predicates -%}
  {%- if predicates is mapping or predicates is not iterable or predicates | reject('string') | list or predicates | map('trim') | reject | list -%}
    {{ pipeline_kit._raise(name, '`incremental_predicates` must be a list of SQL conditions on DBT_INTERNAL_DEST (the target row) and DBT_INTERNAL_SOURCE (the batch row)', predicates) }}
  {%- endif -%}
  {%- set aliased = [] -%}
  {%- for predicate in predicates -%}
    {%- do aliased.append(' and (' ~ modules.re.sub('(?i)\\bDBT_INTERNAL_SOURCE\\b', 's', modules.re.sub('(?i)\\bDBT_INTERNAL_DEST\\b', 't', predicate)) ~ ')') -%}
  {%- endfor -%}
  {{- return({
      'options': true,
      'op_column': (op_column | trim) if op_column else none,
      'flag_column': (flag_column | trim) if flag_column else none,
      'delete_values': delete_values | list,
      'delete_mode': delete_mode or 'hard',
      'update_columns': (pipeline_kit._as_list(name, 'merge_update_columns', update_columns) | map('trim') | list if update_columns is not none else none),
      'exclude_columns': (pipeline_kit._as_list(name, 'merge_exclude_columns', exclude_columns) | map('trim') | list if exclude_columns is not none else []),
      'on_schema_change': on_schema_change,
      'audit': audit,
      'force_fallback': force_fallback,
      'predicates': aliased | join(''),
      'managed': (['is_deleted', 'deleted_at'] if delete_mode == 'soft' else []) + (['_loaded_at', '_updated_at'] if audit else []),
      'now': ('cast(' ~ pipeline_kit._string_literal(run_started_at.strftime('%Y-%m-%d %H:%M:%S')) ~ ' as ' ~ pipeline_kit._naive_timestamp_type() ~ ')') if audit else none}) -}}
{% endmacro %}

{#- Look a configured column up in a list of Column objects: the column of exactly that name, else
    (for a name not written in double quotes) the one column of that name in any case (PostgreSQL
    may hold "ID" and id side by side: two candidates are an error, never a guess); raise naming
    the argument if absent. -#}
{% macro _merge_find_column(columns, wanted, arg_name) %}
  {%- set quoted = wanted | length > 1 and wanted[0] == '"' and wanted[-1] == '"' -%}
  {%- set wanted = wanted | replace('"', '') -%}
  {%- for column in columns if column.name == wanted -%}
    {{- return(column) -}}
  {%- endfor -%}
  {%- set candidates = [] -%}
  {%- for column in columns if not quoted and column.name | lower == wanted | lower -%}
    {%- do candidates.append(column) -%}
  {%- endfor -%}
  {%- if candidates | length == 1 -%}
    {{- return(candidates[0]) -}}
  {%- elif candidates | length > 1 -%}
    {{ pipeline_kit._raise('pipeline_kit_merge', '`' ~ arg_name ~ '` matches several columns that differ only by case; write the one meant exactly as the model names it (in double quotes)', wanted ~ '; candidates: ' ~ (candidates | map(attribute='name') | join(', '))) }}
  {%- endif -%}
  {{ pipeline_kit._raise('pipeline_kit_merge', '`' ~ arg_name ~ '` names a column the model does not select', wanted ~ '; columns: ' ~ (columns | map(attribute='name') | join(', '))) }}
{% endmacro %}

{#- Resolve names against the batch's columns (found.batch, from _merge_prepare): returns the
    static config plus Column objects. With the existing target (`existing_relation`, none on a
    first build / full refresh) it also settles the columns to write: the usual case (the target
    has exactly the batch's data columns and the managed ones) is checked here; any difference
    goes to _merge_schema_diff (on_schema_change). -#}
{% macro _merge_resolve_columns(cfg, found, existing_relation) %}
  {%- set m, columns, by_name, key_columns, data_columns, update_columns = cfg, found.batch, {}, [], [], [] -%}
  {#- keyed by the exact name: names that differ only by case are different columns (PostgreSQL) -#}
  {%- for column in columns -%}
    {%- do by_name.update({column.name: column}) -%}
  {%- endfor -%}
  {%- if '"' in by_name | join -%}
    {%- do pipeline_kit._raise_quoted_name('pipeline_kit_merge', columns | map(attribute='name')) -%}
  {%- endif -%}
  {#- the scratch columns the SQL adds beside the batch's (_merge_parts, _merge_staged_sql) -#}
  {%- set reserved = by_name | map('lower') | select('in', ['_pk_is_delete', '_pk_rn', '_pk_rid', '_pk_drop', '_pk_has_live', '_pk_live_ord']) | list -%}
  {%- if reserved -%}
    {{ pipeline_kit._raise('pipeline_kit_merge', 'the column name is reserved for the scratch columns of pipeline_kit_merge (_pk_is_delete, _pk_rn, _pk_rid, _pk_drop, _pk_has_live, _pk_live_ord); rename it in the select', reserved[0]) }}
  {%- endif -%}
  {%- if m.options -%}
    {%- do m.update(pipeline_kit._merge_resolve_options(m, columns)) -%}
  {%- endif -%}
  {%- for key in m.unique_key -%}
    {%- do key_columns.append(by_name.get(key) or pipeline_kit._merge_find_column(columns, key, 'unique_key')) -%}
  {%- endfor -%}
  {%- set order_column = by_name.get(m.order_by) or pipeline_kit._merge_find_column(columns, m.order_by, 'merge_order_by') -%}
  {#- Keys are never updated; the ordering column always is (it protects against older changes).
      Compared by exact name: a column "ID" beside the key id is data. -#}
  {%- set skip = key_columns | map(attribute='name') | list + [order_column.name] + m.no_update -%}
  {%- for column in columns if column.name not in m.control -%}
    {%- do data_columns.append(column) -%}
    {%- if column.name not in skip -%}
      {%- do update_columns.append(column) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- do update_columns.append(order_column) -%}
  {%- do m.update({'key_columns': key_columns, 'order_column': order_column, 'data_columns': data_columns, 'update_columns': update_columns, 'insert_columns': data_columns, 'target_names': found.target | map(attribute='name') | list}) -%}
  {#- type changes: only when the data columns are not the target's first ones with the same types
      (a list comparison here spares _merge_type_changes' compile on a common run) -#}
  {%- set size, retyped, renamed = data_columns | length, [], [] -%}
  {%- if existing_relation is not none and (data_columns | map(attribute='name') | list != found.target[:size] | map(attribute='name') | list
        or data_columns | map(attribute='data_type') | list != found.target[:size] | map(attribute='data_type') | list) -%}
    {%- set retyped = pipeline_kit._merge_type_changes(data_columns, found.target, lossy_only=cfg.on_schema_change not in ['fail', 'sync_all_columns']) -%}
    {#- a batch column the table has in another case only ("Name" selected as name): see _merge_schema_diff -#}
    {%- set renamed = data_columns | map(attribute='name') | reject('in', m.target_names) | list -%}
  {%- endif -%}
  {%- if existing_relation is not none and (retyped or renamed or m.target_names | map('lower') | sort != (data_columns | map(attribute='name') | map('lower') | list + m.managed) | sort) -%}
    {%- do m.update(pipeline_kit._merge_schema_diff(m, existing_relation, found.target, retyped)) -%}
  {%- endif -%}
  {{- return(m) -}}
{% endmacro %}

{#- The operation / deleted-flag column and merge_update_columns / merge_exclude_columns, looked up
    in the batch, after checking that the batch has none of the managed columns. Returns the
    Column objects, the control column names (not data) and the lower names of the data columns
    an update must not write (no_update), all by exact name. -#}
{% macro _merge_resolve_options(cfg, source_columns) %}
  {%- set op_column = pipeline_kit._merge_find_column(source_columns, cfg.op_column, 'merge_op_column') if cfg.op_column else none -%}
  {%- set flag_column = pipeline_kit._merge_find_column(source_columns, cfg.flag_column, 'merge_deleted_flag_column') if cfg.flag_column else none -%}
  {%- set control = [] -%}
  {%- if op_column is not none -%}{%- do control.append(op_column.name) -%}{%- endif -%}
  {%- if flag_column is not none -%}{%- do control.append(flag_column.name) -%}{%- endif -%}
  {#- the control columns are not stored, so one may share a managed column's name (the usual CDC
      flag is_deleted): the batch's flag decides the delete, the merge writes the managed column -#}
  {%- for column in source_columns if column.name | lower in cfg.managed and column.name not in control -%}
    {{ pipeline_kit._raise('pipeline_kit_merge', 'the model selects a column that pipeline_kit_merge manages itself (soft delete / audit column)', column.name) }}
  {%- endfor -%}
  {%- set data_columns = [] -%}
  {%- for column in source_columns if column.name not in control -%}
    {%- do data_columns.append(column) -%}
  {%- endfor -%}
  {%- set update_filter = none -%}
  {%- set no_update = [] -%}
  {%- if cfg.update_columns is not none -%}
    {%- set update_filter = [] -%}
    {%- for wanted in cfg.update_columns -%}
      {%- do update_filter.append(pipeline_kit._merge_find_column(data_columns, wanted, 'merge_update_columns').name) -%}
    {%- endfor -%}
  {%- elif cfg.exclude_columns -%}
    {%- set excluded = [] -%}
    {%- for wanted in cfg.exclude_columns -%}
      {%- do excluded.append(pipeline_kit._merge_find_column(data_columns, wanted, 'merge_exclude_columns').name) -%}
    {%- endfor -%}
    {%- set update_filter = data_columns | map(attribute='name') | reject('in', excluded) | list -%}
  {%- endif -%}
  {%- if update_filter is not none -%}
    {%- set no_update = data_columns | map(attribute='name') | reject('in', update_filter) | list -%}
  {%- endif -%}
  {{- return({'op_column_obj': op_column, 'flag_column_obj': flag_column, 'has_deletes': op_column is not none or flag_column is not none, 'control': control, 'no_update': no_update}) -}}
{% endmacro %}
