{#- materialized='scd': slowly changing dimensions of type 1, 2 or 3 from a batch of changes
    (or a full snapshot when hard_deletes is used). See macros/scd.yml and the SCD section of the README. -#}
{% materialization scd, default %}
  {#- relations -#}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set raw_relation = make_temp_relation(target_relation, '__pk_scd_raw') -%}
  {%- set source_relation = make_temp_relation(target_relation, '__pk_scd_src') -%}
  {%- set keys_relation = make_temp_relation(target_relation, '__pk_scd_keys') -%}
  {%- set new_relation = make_temp_relation(target_relation, '__pk_scd_new') -%}
  {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
  {%- set backup_relation = make_backup_relation(target_relation, 'table') -%}

  {#- config: validated before anything runs -#}
  {%- set cfg = pipeline_kit._scd_config() -%}
  {%- set full_refresh = should_full_refresh() or existing_relation is none or not existing_relation.is_table -%}
  {%- set grant_config = config.get('grants') -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {#- build SQL: stage the batch once, learn its columns, key and hash it -#}
  {%- for relation in [intermediate_relation, backup_relation] -%}
    {{ drop_relation_if_exists(relation) }}
  {%- endfor -%}
  {%- call statement('scd_stage_raw') -%}
    {{ pipeline_kit._scd_create_scratch(raw_relation, sql) }}
  {%- endcall -%}
  {%- set cols = pipeline_kit._scd_resolve_columns(cfg, adapter.get_columns_in_relation(raw_relation)) -%}
  {%- set arg_dict = {'cfg': cfg, 'cols': cols, 'raw_relation': raw_relation, 'source': source_relation,
                      'keys_relation': keys_relation, 'target': target_relation, 'has_target': not full_refresh} -%}
  {%- call statement('scd_stage_source') -%}
    {{ pipeline_kit._scd_create_scratch(source_relation, pipeline_kit._scd_stage_source_sql(arg_dict)) }}
  {%- endcall -%}

  {%- if full_refresh -%}
    {#- main statement: build the whole dimension beside the old one -#}
    {%- call statement('main') -%}
      {{ get_create_table_as_sql(False, intermediate_relation, pipeline_kit._scd_rows_sql(arg_dict)) }}
    {%- endcall -%}
    {#- swap -#}
    {%- if existing_relation is not none -%}
      {{ adapter.rename_relation(existing_relation, backup_relation) }}
    {%- endif -%}
    {{ adapter.rename_relation(intermediate_relation, target_relation) }}
  {%- else -%}
    {{ pipeline_kit._scd_check_target_columns(arg_dict) }}
    {%- call statement('scd_stage_keys') -%}
      {{ pipeline_kit._scd_create_scratch(keys_relation, pipeline_kit._scd_touched_keys_sql(arg_dict)) }}
    {%- endcall -%}
    {%- call statement('scd_count_keys', fetch_result=True) -%}
      select count(*) as touched from {{ keys_relation }}
    {%- endcall -%}
    {%- set touched = load_result('scd_count_keys')['data'][0][0] | int -%}
    {%- if touched > 0 -%}
      {%- call statement('scd_stage_rows') -%}
        {{ pipeline_kit._scd_create_scratch(new_relation, pipeline_kit._scd_rows_sql(arg_dict)) }}
      {%- endcall -%}
      {#- main statement: replace the touched keys' rows in one transaction -#}
      {{ pipeline_kit._scd_replace_rows(arg_dict, new_relation) }}
    {%- else -%}
      {#- main statement: the batch holds nothing new; the table is left as it is -#}
      {%- call statement('main') -%}
        select 0 as touched_keys
      {%- endcall -%}
    {%- endif -%}
  {%- endif -%}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ pipeline_kit._scd_commit() }}
  {{ drop_relation_if_exists(backup_relation) }}
  {%- for relation in [raw_relation, source_relation, keys_relation, new_relation] -%}
    {{ drop_relation_if_exists(relation) }}
  {%- endfor -%}

  {#- grants -#}
  {%- set should_revoke = should_revoke(existing_relation, full_refresh_mode=full_refresh) -%}
  {%- do apply_grants(target_relation, grant_config, should_revoke=should_revoke) -%}

  {#- hooks -#}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {#- return -#}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
