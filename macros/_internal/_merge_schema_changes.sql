{#- on_schema_change for pipeline_kit_merge, called by _merge_resolve_columns only when the
    target's columns differ from the batch's data columns plus the managed ones, or a column's
    type changed (`retyped`, from _merge_type_changes). dbt's own
    process_schema_changes compares the batch with the target column for column, which would
    treat the operation column and the managed soft-delete / audit columns as changes; this
    compares data columns only. `target_columns` are the target's columns as read with the
    batch's (pipeline_kit._merge_prepare). Checks, alters or ignores (on_schema_change) and returns
    {'insert_columns': [...], 'update_columns': [...], 'target_names': [...], 'cast_batch': [...]}:
    the batch columns present in the target, the target's column names after any change made
    here, and the batch columns written under the table's name or type (see _merge_cast_batch). -#}
{% macro _merge_schema_diff(m, existing_relation, target_columns, retyped) %}
  {%- set target_names = target_columns | map(attribute='name') | map('lower') | list -%}
  {%- for managed in m.managed if managed not in target_names -%}
    {{ pipeline_kit._raise('pipeline_kit_merge', 'the target lacks the column ' ~ managed ~ ' that the delete mode / audit config needs; run with --full-refresh after changing them', managed) }}
  {%- endfor -%}
  {#- each batch column's table column (_merge_match_columns): by lower-case name alone, PostgreSQL's
      "ID" beside id paired the wrong two, and "Name" selected as name was written as a column the
      table lacks (a raw "column does not exist" in every mode) -#}
  {%- set matched = pipeline_kit._merge_match_columns(m.data_columns, target_columns) -%}
  {%- set matched_names = matched.values() | map(attribute='name') | list -%}
  {%- set added = [] -%}
  {%- for column in m.data_columns if column.name not in matched -%}
    {%- do added.append(column) -%}
  {%- endfor -%}
  {%- set removed = [] -%}
  {%- for column in target_columns if column.name not in matched_names and column.name | lower not in m.managed -%}
    {%- do removed.append(column) -%}
  {%- endfor -%}
  {%- set kept, written, schema_alter = target_columns | map(attribute='name') | list, matched.keys() | list, none -%}
  {%- if added or removed or retyped -%}
    {%- set change = pipeline_kit._merge_apply_schema_change(m, existing_relation, target_columns, added, removed, retyped) -%}
    {%- set kept, schema_alter = change.names, change.alter -%}
    {%- if m.on_schema_change in ['append_new_columns', 'sync_all_columns'] -%}
      {%- set written = written + added | map(attribute='name') | list -%}
    {%- endif -%}
  {%- endif -%}
  {%- set insert_columns, update_columns = [], [] -%}
  {%- for column in m.data_columns if column.name in written -%}
    {%- do insert_columns.append(column) -%}
  {%- endfor -%}
  {%- for column in m.update_columns if column.name in written -%}
    {%- do update_columns.append(column) -%}
  {%- endfor -%}
  {%- for column in m.key_columns + [m.order_column] if column.name not in written -%}
    {{ pipeline_kit._raise('pipeline_kit_merge', 'the target lacks a key or ordering column; run with --full-refresh', column.name) }}
  {%- endfor -%}
  {#- the batch columns _merge_cast_batch writes under the table's name: those named in another
      case (renamed), and the retyped ones whose table type stays (cast to it; sync_all_columns
      has changed the table's type) -#}
  {%- set cast_names = [] if m.on_schema_change == 'sync_all_columns' else retyped | map(attribute='source') | list -%}
  {%- set cast_batch = [] -%}
  {%- for column in m.data_columns if column.name in matched and (column.name in cast_names or matched[column.name].name != column.name) -%}
    {%- do cast_batch.append({'column': matched[column.name].name, 'source': column.name, 'cast': column.name in cast_names}) -%}
  {%- endfor -%}
  {{- return({'insert_columns': insert_columns, 'update_columns': update_columns, 'target_names': kept, 'cast_batch': cast_batch, 'schema_alter': schema_alter}) -}}
{% endmacro %}

{#- The table column each batch data column is written to: the one of exactly its name, else the
    one column of its name in any case that no batch column has exactly (a column renamed only by
    case, "Name" to name, is the same column; where PostgreSQL holds "ID" and id, each batch
    column takes its own). A batch column without one is new. Returns {batch name: target Column}. -#}
{% macro _merge_match_columns(data_columns, target_columns) %}
  {%- set exact, by_lower, matched, batch_names = {}, {}, {}, data_columns | map(attribute='name') | list -%}
  {%- for column in target_columns -%}
    {%- do exact.update({column.name: column}) -%}
    {%- if column.name not in batch_names -%}
      {%- do by_lower.update({column.name | lower: by_lower.get(column.name | lower, []) + [column]}) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- for column in data_columns -%}
    {%- set candidates = by_lower.get(column.name | lower, []) -%}
    {%- if column.name in exact -%}
      {%- do matched.update({column.name: exact[column.name]}) -%}
    {%- elif candidates | length == 1 -%}
      {#- taken: a second batch column of that name in another case is new -#}
      {%- do matched.update({column.name: candidates[0]}) -%}
      {%- do by_lower.update({column.name | lower: []}) -%}
    {%- endif -%}
  {%- endfor -%}
  {{- return(matched) -}}
{% endmacro %}

{#- The batch has columns the target lacks (`added`), the reverse (`removed`), or columns of
    another type (`retyped`): fail, alter the target, or ignore them, as on_schema_change says (as
    dbt's incremental: only sync_all_columns changes a column's type; with ignore and
    append_new_columns the values are cast to the target's type on write, which can round or
    truncate them, so a warning names the columns). Returns {'names': target column names}. -#}
{% macro _merge_apply_schema_change(m, existing_relation, target_columns, added, removed, retyped) %}
  {%- set changes = [] -%}
  {%- for change in retyped -%}
    {%- do changes.append(change.column ~ ' ' ~ change.old ~ ' -> ' ~ change.new) -%}
  {%- endfor -%}
  {%- if m.on_schema_change == 'fail' -%}
    {#- only the kinds of difference there are: an empty "removed: ;" reads as a column named so -#}
    {%- set differences = [] -%}
    {%- for kind, names in [('added', added | map(attribute='name') | list), ('removed', removed | map(attribute='name') | list), ('retyped', changes)] if names -%}
      {%- do differences.append(kind ~ ': ' ~ names | join(', ')) -%}
    {%- endfor -%}
    {{ pipeline_kit._raise('pipeline_kit_merge', 'the batch columns differ from the target and on_schema_change is fail', differences | join('; ')) }}
  {%- endif -%}
  {%- if retyped and m.on_schema_change != 'sync_all_columns' -%}
    {%- do exceptions.warn('pipeline_kit_merge: ' ~ model.name ~ ': the batch has columns of another type than the table (' ~ changes | join(', ') ~ "); they are written as the table's types, which can round or truncate them. on_schema_change: sync_all_columns changes the table's types; --full-refresh rebuilds it") -%}
  {%- endif -%}
  {%- set names = [] -%}
  {%- set dropped = (removed | map(attribute='name') | list) if m.on_schema_change == 'sync_all_columns' else [] -%}
  {%- for column in target_columns if column.name not in dropped -%}
    {%- do names.append(column.name) -%}
  {%- endfor -%}
  {#- the ALTERs are only planned here (schema_alter), and made by _merge_alter_target once the
      batch has passed the contract check and its casts: on Snowflake an ALTER commits on its own,
      so a run failing on the batch after it left the table changed -#}
  {%- set alter = {'add': [], 'remove': [], 'retype': []} -%}
  {%- if m.on_schema_change == 'append_new_columns' -%}
    {%- do alter.update({'add': added}) -%}
  {%- elif m.on_schema_change == 'sync_all_columns' -%}
    {%- do alter.update({'add': added, 'remove': removed}) -%}
    {%- for change in retyped -%}
      {%- do alter.retype.append((change.column, change.new)) -%}
      {#- a soft delete stores its ordering value in deleted_at: it takes the ordering column's new
          type too (left as it was, a date column cut a timestamp's time off without a word) -#}
      {%- for column in target_columns if change.source == m.order_column.name and m.delete_mode == 'soft' and column.name | lower == 'deleted_at' -%}
        {%- do alter.retype.append((column.name, change.new)) -%}
      {%- endfor -%}
    {%- endfor -%}
  {%- endif -%}
  {%- if m.on_schema_change in ['append_new_columns', 'sync_all_columns'] -%}
    {%- for column in added -%}
      {%- do names.append(column.name) -%}
    {%- endfor -%}
  {%- endif -%}
  {{- return({'names': names, 'alter': alter if alter.add or alter.remove or alter.retype else none}) -}}
{% endmacro %}

{#- The table's columns changed as _merge_apply_schema_change planned (m.schema_alter): columns
    added and dropped in one statement (only when there are some: dbt's PostgreSQL macro sends a
    bare `alter table <t>` for two empty lists, a syntax error when a type change is the only
    difference), then each type change. Called by the materialization after the batch's checks,
    right before the write. -#}
{% macro _merge_alter_target(m, existing_relation) %}
  {%- set alter = m.schema_alter -%}
  {%- if alter.add or alter.remove -%}
    {%- do alter_relation_add_remove_columns(existing_relation, alter.add or none, alter.remove or none) -%}
  {%- endif -%}
  {%- for column_name, new_type in alter.retype -%}
    {%- do alter_column_type(existing_relation, column_name, new_type) -%}
  {%- endfor -%}
{% endmacro %}

{#- The data columns whose type in the batch differs from the table's. `lossy_only` false: as dbt's
    incremental finds them (for fail and sync_all_columns), except where the table's type holds
    every batch value: strings (a longer one widens the table's column:
    expand_target_column_types), an integer type into a wider one, a decimal into one with at
    least as many integer and fraction digits. `lossy_only` true: only where writing a batch value
    as the table's type can change it without an error, i.e. not for strings, integers (or
    decimals without fraction digits) into an integer or decimal type, or a decimal into one with
    at least as many fraction digits (a value too large for the table's type fails the write).
    Columns are paired as _merge_match_columns pairs them (not by lower-case name: PostgreSQL's
    "V" was compared with the type of a column v beside it). Returns [{column, source, old, new}]:
    the table's and the batch's name, the table's and the batch's type. -#}
{% macro _merge_type_changes(data_columns, target_columns, lossy_only=false) %}
  {%- set matched, changes = pipeline_kit._merge_match_columns(data_columns, target_columns), [] -%}
  {%- for column in data_columns if column.name in matched -%}
    {%- set stored = matched[column.name] -%}
    {%- set old, new = stored.data_type | lower, column.data_type | lower -%}
    {%- if old != new and not (stored.is_string() and column.is_string()) and not pipeline_kit._merge_type_fits(new, old, lossy_only) -%}
      {%- do changes.append({'column': stored.name, 'source': column.name, 'old': stored.data_type, 'new': column.data_type}) -%}
    {%- endif -%}
  {%- endfor -%}
  {{- return(changes) -}}
{% endmacro %}

{#- Whether a value of type `new` is written as type `old` unchanged (lower-case type names): always
    (lossy_only false), or unless the write fails (lossy_only true); see _merge_type_changes. -#}
{% macro _merge_type_fits(new, old, lossy_only) %}
  {%- set ints = {'tinyint': 1, 'int1': 1, 'smallint': 2, 'int2': 2, 'integer': 3, 'int': 3, 'int4': 3, 'bigint': 4, 'int8': 4, 'hugeint': 5} -%}
  {%- set pattern = '^(numeric|decimal|number)\\((\\d+),\\s*(\\d+)\\)$' -%}
  {%- set a, b = modules.re.match(pattern, new), modules.re.match(pattern, old) -%}
  {%- if new in ints and old in ints -%}
    {{- return(lossy_only or ints[new] <= ints[old]) -}}
  {%- elif (new in ints and b) or (a and a.group(3) == '0' and old in ints) -%}
    {{- return(lossy_only) -}}
  {%- elif a and b -%}
    {%- set a_scale, b_scale = a.group(3) | int, b.group(3) | int -%}
    {{- return(a_scale <= b_scale and (lossy_only or a.group(2) | int - a_scale <= b.group(2) | int - b_scale)) -}}
  {%- endif -%}
  {{- return(false) -}}
{% endmacro %}

{#- The batch's columns written under the table's name or type (m.cast_batch, from
    _merge_schema_diff: {column, source, cast}): a column whose type differs from the table's,
    where the table keeps its type (on_schema_change ignore / append_new_columns), cast to it, and
    a column the model names in another case than the table ("Name" selected as name), renamed to
    the table's name, in a new scratch table that replaces found.batch_relation; and the Column
    objects in `m` for them: a key then matches its stored value (a date key stored from a
    timestamp one), a value compares with what the write stores (10.5 into an integer column is
    11, unchanged on a rerun), and every statement names the table's column. Called by the
    materialization only when there are such columns, after the contract check (which sees the
    batch's own types). -#}
{% macro _merge_cast_batch(m, found) %}
  {%- set by_source, stored, columns_of, items = {}, {}, {}, [] -%}
  {%- for change in m.cast_batch -%}
    {%- do by_source.update({change.source: change}) -%}
  {%- endfor -%}
  {%- for column in found.target -%}
    {%- do stored.update({column.name: column}) -%}
  {%- endfor -%}
  {%- for column in found.batch -%}
    {%- set change = by_source.get(column.name) -%}
    {%- if change and change.cast -%}
      {%- set table_column = stored[change.column] -%}
      {%- do columns_of.update({column.name: table_column}) -%}
      {%- do items.append('cast(' ~ adapter.quote(column.name) ~ ' as ' ~ table_column.data_type ~ ') as ' ~ adapter.quote(table_column.name)) -%}
    {%- elif change -%}
      {#- renamed only: the batch's type (the table's, or the one sync_all_columns gave it) -#}
      {%- do columns_of.update({column.name: api.Column(change.column, column.dtype, column.char_size, column.numeric_precision, column.numeric_scale)}) -%}
      {%- do items.append(adapter.quote(column.name) ~ ' as ' ~ adapter.quote(change.column)) -%}
    {%- else -%}
      {%- do items.append(adapter.quote(column.name)) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set relation = found.batch_relation.incorporate(path={'identifier': found.batch_relation.identifier ~ 'c'}) -%}
  {%- do run_query(adapter.dispatch('_merge_create_scratch', 'pipeline_kit')(relation, 'select ' ~ items | join(', ') ~ ' from ' ~ found.batch_relation)) -%}
  {%- do run_query('drop table if exists ' ~ found.batch_relation) -%}
  {%- do found.update({'batch_relation': relation}) -%}
  {%- for key in ['key_columns', 'data_columns', 'update_columns', 'insert_columns'] -%}
    {%- set columns = [] -%}
    {%- for column in m[key] -%}
      {%- do columns.append(columns_of.get(column.name, column)) -%}
    {%- endfor -%}
    {%- do m.update({key: columns}) -%}
  {%- endfor -%}
  {%- set no_update = [] -%}
  {%- for name in m.no_update -%}
    {%- do no_update.append(by_source[name].column if name in by_source else name) -%}
  {%- endfor -%}
  {%- do m.update({'order_column': columns_of.get(m.order_column.name, m.order_column), 'no_update': no_update}) -%}
{% endmacro %}
