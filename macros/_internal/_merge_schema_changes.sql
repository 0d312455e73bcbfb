{#- on_schema_change for pipeline_kit_merge, called by _merge_resolve_columns only when the
    target's columns differ from the batch's data columns plus the managed ones. dbt's own
    process_schema_changes compares the batch with the target column for column, which would
    treat the operation column and the managed soft-delete / audit columns as changes; this
    compares data columns only. `target_columns` are the target's columns as read with the
    batch's (pipeline_kit._merge_prepare). Checks, alters or ignores (on_schema_change) and returns
    {'insert_columns': [...], 'update_columns': [...], 'target_names': [...]}: the batch columns
    present in the target, and the target's column names after any change made here. -#}
{% macro _merge_schema_diff(m, existing_relation, target_columns) %}
  {%- set target_names = target_columns | map(attribute='name') | map('lower') | list -%}
  {%- for managed in m.managed if managed not in target_names -%}
    {{ pipeline_kit._raise('pipeline_kit_merge', 'the target lacks the column ' ~ managed ~ ' that the delete mode / audit config needs; run with --full-refresh after changing them', managed) }}
  {%- endfor -%}
  {%- set source_names = m.data_columns | map(attribute='name') | map('lower') | list -%}
  {%- set added = [] -%}
  {%- for column in m.data_columns if column.name | lower not in target_names -%}
    {%- do added.append(column) -%}
  {%- endfor -%}
  {%- set removed = [] -%}
  {%- for column in target_columns if column.name | lower not in source_names and column.name | lower not in m.managed -%}
    {%- do removed.append(column) -%}
  {%- endfor -%}
  {%- set kept = target_columns | map(attribute='name') | list -%}
  {%- if added or removed -%}
    {%- set change = pipeline_kit._merge_apply_schema_change(m, existing_relation, target_columns, added, removed) -%}
    {%- set kept = change.names -%}
    {%- set target_names = kept | map('lower') | list -%}
  {%- endif -%}
  {%- set insert_columns, update_columns = [], [] -%}
  {%- for column in m.data_columns if column.name | lower in target_names -%}
    {%- do insert_columns.append(column) -%}
  {%- endfor -%}
  {%- for column in m.update_columns if column.name | lower in target_names -%}
    {%- do update_columns.append(column) -%}
  {%- endfor -%}
  {%- for column in m.key_columns + [m.order_column] if column.name | lower not in target_names -%}
    {{ pipeline_kit._raise('pipeline_kit_merge', 'the target lacks a key or ordering column; run with --full-refresh', column.name) }}
  {%- endfor -%}
  {{- return({'insert_columns': insert_columns, 'update_columns': update_columns, 'target_names': kept}) -}}
{% endmacro %}

{#- The batch has columns the target lacks (`added`) or the reverse (`removed`): fail, alter the
    target, or ignore them, as on_schema_change says. Returns {'names': target column names}. -#}
{% macro _merge_apply_schema_change(m, existing_relation, target_columns, added, removed) %}
  {%- if m.on_schema_change == 'fail' -%}
    {{ pipeline_kit._raise('pipeline_kit_merge', 'the batch columns differ from the target and on_schema_change is fail', 'added: ' ~ (added | map(attribute='name') | join(', ')) ~ '; removed: ' ~ (removed | map(attribute='name') | join(', '))) }}
  {%- endif -%}
  {%- set names = [] -%}
  {%- set dropped = (removed | map(attribute='name') | list) if m.on_schema_change == 'sync_all_columns' else [] -%}
  {%- for column in target_columns if column.name not in dropped -%}
    {%- do names.append(column.name) -%}
  {%- endfor -%}
  {%- if m.on_schema_change == 'append_new_columns' and added -%}
    {%- do alter_relation_add_remove_columns(existing_relation, added, none) -%}
  {%- elif m.on_schema_change == 'sync_all_columns' -%}
    {%- do alter_relation_add_remove_columns(existing_relation, added or none, removed or none) -%}
  {%- endif -%}
  {%- if m.on_schema_change in ['append_new_columns', 'sync_all_columns'] -%}
    {%- for column in added -%}
      {%- do names.append(column.name) -%}
    {%- endfor -%}
  {%- endif -%}
  {{- return({'names': names}) -}}
{% endmacro %}
