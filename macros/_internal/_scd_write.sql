{#- Writing helpers of the scd materialization (one transaction for delete + insert). -#}

{% macro _scd_rows_sql(arg_dict) %}
  {%- if arg_dict.cfg.scd_type == 3 -%}
    {{- return(pipeline_kit._scd3_rows_sql(arg_dict)) -}}
  {%- endif -%}
  {{- return(pipeline_kit._scd_new_rows_sql(arg_dict)) -}}
{% endmacro %}

{#- The table must still have every column of the batch (no silent schema drift). -#}
{% macro _scd_check_target_columns(arg_dict) %}
  {%- set existing = [] -%}
  {%- for column in adapter.get_columns_in_relation(arg_dict.target) -%}
    {%- do existing.append(column.name | lower) -%}
  {%- endfor -%}
  {%- set missing = [] -%}
  {%- for name in arg_dict.cols.payload if name | lower not in existing -%}
    {%- do missing.append(name) -%}
  {%- endfor -%}
  {%- if missing -%}
    {{ pipeline_kit._raise('scd', 'the model has columns the table lacks; run with --full-refresh to rebuild history', missing | join(', ')) }}
  {%- endif -%}
{% endmacro %}

{% macro _scd_target_column_list(arg_dict) %}
  {%- set names = [] -%}
  {%- for column in adapter.get_columns_in_relation(arg_dict.target) -%}
    {%- do names.append(adapter.quote(column.name)) -%}
  {%- endfor -%}
  {{- return(names | join(', ')) -}}
{% endmacro %}

{% macro _scd_replace_rows(arg_dict, new_relation) %}
  {{- return(adapter.dispatch('_scd_replace_rows', 'pipeline_kit')(arg_dict, new_relation)) -}}
{% endmacro %}

{% macro default___scd_replace_rows(arg_dict, new_relation) %}
  {%- set columns = pipeline_kit._scd_target_column_list(arg_dict) -%}
  {%- call statement('main') -%}
    delete from {{ arg_dict.target }} as t
    where {{ pipeline_kit._scd_key_hash(arg_dict, 't') }} in (select k._pk_key from {{ arg_dict.keys_relation }} as k);
    insert into {{ arg_dict.target }} ({{ columns }})
    select {{ columns }} from {{ new_relation }}
  {%- endcall -%}
{% endmacro %}

{# Snowflake: autocommit by default and dbt's begin/commit are no-ops; open the transaction
   explicitly (the post hooks and the commit follow in _scd_commit) #}
{% macro snowflake___scd_replace_rows(arg_dict, new_relation) %}
  {%- set columns = pipeline_kit._scd_target_column_list(arg_dict) -%}
  {%- call statement('scd_begin') -%}
    begin
  {%- endcall -%}
  {%- call statement('main') -%}
    delete from {{ arg_dict.target }} as t
    where {{ pipeline_kit._scd_key_hash(arg_dict, 't') }} in (select k._pk_key from {{ arg_dict.keys_relation }} as k);
    insert into {{ arg_dict.target }} ({{ columns }})
    select {{ columns }} from {{ new_relation }}
  {%- endcall -%}
{% endmacro %}

{% macro _scd_commit() %}
  {{- return(adapter.dispatch('_scd_commit', 'pipeline_kit')()) -}}
{% endmacro %}

{% macro default___scd_commit() %}
  {{ adapter.commit() }}
{% endmacro %}

{# Snowflake: commit the explicit transaction (a no-op when none is open) #}
{% macro snowflake___scd_commit() %}
  {%- call statement('scd_commit') -%}
    commit
  {%- endcall -%}
{% endmacro %}

{% macro _scd3_rows_sql(arg_dict) %}
  {{ pipeline_kit._raise('scd', 'scd_type 3 is not implemented yet', 3) }}
{% endmacro %}

{#- Scratch tables for the staged batch, touched keys and new rows: session-temporary. -#}
{% macro _scd_create_scratch(relation, sql) %}
  {{- return(adapter.dispatch('_scd_create_scratch', 'pipeline_kit')(relation, sql)) -}}
{% endmacro %}

{% macro default___scd_create_scratch(relation, sql) %}
  {{- return(get_create_table_as_sql(True, relation, sql)) -}}
{% endmacro %}

{# Snowflake: a transient table beside the target (dropped at the end); the fakesnow emulator
   cannot create schema-qualified temporary tables, and transient tables are valid Snowflake #}
{% macro snowflake___scd_create_scratch(relation, sql) %}
  {{- return('create or replace transient table ' ~ relation ~ ' as (' ~ sql ~ ')') -}}
{% endmacro %}
