{#- on_schema_change for pipeline_kit_merge. dbt's own process_schema_changes compares the batch
    with the target column for column, which would treat the operation column and the managed
    soft-delete / audit columns as changes; this compares data columns only.
    Returns {'insert_columns': [...], 'update_columns': [...]} restricted to the target's columns. -#}
{% macro _merge_schema_changes(m, staging_relation, existing_relation) %}
  {%- do adapter.expand_target_column_types(from_relation=staging_relation, to_relation=existing_relation) -%}
  {%- set target_names = [] -%}
  {%- set target_columns = adapter.get_columns_in_relation(existing_relation) -%}
  {%- for column in target_columns -%}
    {%- do target_names.append(column.name | lower) -%}
  {%- endfor -%}
  {%- for managed in m.managed -%}
    {%- if managed not in target_names -%}
      {{ pipeline_kit._raise('pipeline_kit_merge', 'the target lacks the column ' ~ managed ~ ' that the delete mode / audit config needs; run with --full-refresh after changing them', managed) }}
    {%- endif -%}
  {%- endfor -%}
  {%- set source_names = m.data_columns | map(attribute='name') | map('lower') | list -%}
  {%- set added = [] -%}
  {%- for column in m.data_columns -%}
    {%- if column.name | lower not in target_names -%}
      {%- do added.append(column) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set removed = [] -%}
  {%- for column in target_columns -%}
    {%- if column.name | lower not in source_names and column.name | lower not in m.managed -%}
      {%- do removed.append(column) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if (added or removed) and m.on_schema_change == 'fail' -%}
    {{ pipeline_kit._raise('pipeline_kit_merge', 'the batch columns differ from the target and on_schema_change is fail', 'added: ' ~ (added | map(attribute='name') | join(', ')) ~ '; removed: ' ~ (removed | map(attribute='name') | join(', '))) }}
  {%- endif -%}
  {%- if m.on_schema_change == 'append_new_columns' and added -%}
    {%- do alter_relation_add_remove_columns(existing_relation, added, none) -%}
  {%- elif m.on_schema_change == 'sync_all_columns' and (added or removed) -%}
    {%- do alter_relation_add_remove_columns(existing_relation, added or none, removed or none) -%}
  {%- endif -%}
  {%- set present = target_names + ((added | map(attribute='name') | map('lower') | list) if m.on_schema_change in ['append_new_columns', 'sync_all_columns'] else []) -%}
  {%- set insert_columns, update_columns = [], [] -%}
  {%- for column in m.data_columns -%}
    {%- if column.name | lower in present -%}{%- do insert_columns.append(column) -%}{%- endif -%}
  {%- endfor -%}
  {%- for column in m.update_columns -%}
    {%- if column.name | lower in present -%}{%- do update_columns.append(column) -%}{%- endif -%}
  {%- endfor -%}
  {%- for column in m.key_columns + [m.order_column] -%}
    {%- if column.name | lower not in present -%}
      {{ pipeline_kit._raise('pipeline_kit_merge', 'the target lacks a key or ordering column; run with --full-refresh', column.name) }}
    {%- endif -%}
  {%- endfor -%}
  {{- return({'insert_columns': insert_columns, 'update_columns': update_columns}) -}}
{% endmacro %}
