{#- materialized='scd': slowly changing dimensions of type 1, 2 or 3 from a batch of changes
    (or a full snapshot when hard_deletes is used). See macros/scd.yml and the SCD section of the README. -#}
{% materialization scd, default %}
  {#- relations (the scratch tables share one generated name; intermediate and backup only for a rebuild) -#}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set raw_relation = make_temp_relation(target_relation, '__pk_scd_raw') -%}
  {%- set name_parts = raw_relation.identifier.rpartition('__pk_scd_raw') -%}
  {%- set source_relation = raw_relation.incorporate(path={'identifier': name_parts[0] ~ '__pk_scd_src' ~ name_parts[2]}) -%}
  {%- set keys_relation = raw_relation.incorporate(path={'identifier': name_parts[0] ~ '__pk_scd_keys' ~ name_parts[2]}) -%}
  {%- set new_relation = raw_relation.incorporate(path={'identifier': name_parts[0] ~ '__pk_scd_new' ~ name_parts[2]}) -%}
  {%- set rows_relation = raw_relation.incorporate(path={'identifier': name_parts[0] ~ '__pk_scd_tgt' ~ name_parts[2]}) -%}

  {#- config: validated before anything runs -#}
  {%- set cfg = pipeline_kit._scd_config() -%}
  {%- set full_refresh = should_full_refresh() or existing_relation is none or not existing_relation.is_table -%}
  {%- set grant_config = config.get('grants') -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {#- build SQL: stage the batch once, learn its columns, key and hash it -#}
  {%- if full_refresh -%}
    {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
    {%- set backup_relation = make_backup_relation(target_relation, 'table') -%}
    {%- for relation in [intermediate_relation, backup_relation] -%}
      {{ drop_relation_if_exists(relation) }}
    {%- endfor -%}
  {%- endif -%}
  {%- call statement('scd_stage_raw') -%}
    {{ pipeline_kit._scd_create_scratch(raw_relation, sql) }}
  {%- endcall -%}
  {%- set cols = pipeline_kit._scd_resolve_columns(cfg, adapter.get_columns_in_relation(raw_relation)) -%}
  {#- with hard_deletes the whole table is compared with the source; otherwise the rows of the batch's
      keys are staged once (target_rows) and read from there -#}
  {%- set stage_rows = not full_refresh and cfg.hard_deletes == 'ignore' -%}
  {%- set arg_dict = {'cfg': cfg, 'cols': cols, 'raw_relation': raw_relation, 'source': source_relation,
                      'keys_relation': keys_relation, 'target': target_relation, 'has_target': not full_refresh,
                      'target_rows': rows_relation if stage_rows else target_relation} -%}

  {%- if full_refresh -%}
    {%- call statement('scd_stage_source') -%}
      {{ pipeline_kit._scd_create_scratch(source_relation, pipeline_kit._scd_stage_source_sql(arg_dict)) }}
    {%- endcall -%}
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
    {%- set columns = pipeline_kit._scd_check_target_columns(arg_dict, adapter.get_columns_in_relation(target_relation)) -%}
    {#- one round trip: the batch, the keys it touches and their count. Named main: when the batch
        holds nothing new, no write follows and the table is left as it is -#}
    {%- call statement('main', fetch_result=True) -%}
      {{ pipeline_kit._scd_create_scratch(source_relation, pipeline_kit._scd_stage_source_sql(arg_dict)) }};
      {%- if stage_rows %}
      {{ pipeline_kit._scd_create_scratch(rows_relation, pipeline_kit._scd_stage_target_sql(arg_dict)) }};
      {%- endif %}
      {{ pipeline_kit._scd_create_scratch(keys_relation, pipeline_kit._scd_touched_keys_sql(arg_dict)) }};
      select count(*) as touched from {{ keys_relation }}
    {%- endcall -%}
    {%- if load_result('main')['data'][0][0] | int > 0 -%}
      {#- main statement: replace the touched keys' rows in one transaction -#}
      {{ pipeline_kit._scd_replace_rows(arg_dict, new_relation, columns) }}
    {%- endif -%}
  {%- endif -%}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ pipeline_kit._scd_commit() }}
  {%- if full_refresh -%}
    {{ drop_relation_if_exists(backup_relation) }}
  {%- endif -%}
  {{ pipeline_kit._scd_drop_scratch([raw_relation, source_relation, rows_relation, keys_relation, new_relation]) }}

  {#- grants -#}
  {%- set should_revoke = should_revoke(existing_relation, full_refresh_mode=full_refresh) -%}
  {%- do apply_grants(target_relation, grant_config, should_revoke=should_revoke) -%}

  {#- hooks -#}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {#- return -#}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
