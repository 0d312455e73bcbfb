{#- pipeline_kit_merge: an incremental upsert with CDC deletes and out-of-order protection that
    behaves the same on DuckDB, PostgreSQL and Snowflake. Enable it with one config line:
      {{ config(materialized='pipeline_kit_merge', unique_key='id', merge_order_by='updated_at') }}
    It is a materialization (found in packages without any shim macro), so the first build,
    a full refresh and every incremental run apply the same rules:
    - one change per key per batch: the latest by `merge_order_by` wins (NULLs oldest; on a tie
      a delete wins, then the smallest row);
    - key matching is NULL-safe (NULL matches NULL);
    - a change older than the target row is ignored; an unchanged row is never rewritten;
    - deletes (an operation column or a deleted flag) delete the row, or mark it deleted.
    Everything runs in one transaction on DuckDB and PostgreSQL; on Snowflake the change is one
    MERGE statement. See macros/incremental.yml and the incremental merge section of the README. -#}
{% materialization pipeline_kit_merge, default %}

  {#- relations -#}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set staging_relation = pipeline_kit._merge_temp_relation(target_relation, '__pk_batch') -%}
  {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
  {%- set backup_relation = make_backup_relation(target_relation, existing_relation.type if existing_relation is not none else 'table') -%}
  {%- set full_refresh = should_full_refresh() or existing_relation is none or not existing_relation.is_table -%}
  {%- set grant_config = config.get('grants') -%}

  {#- config: validated before anything touches the warehouse -#}
  {%- set cfg = pipeline_kit._merge_static_config() -%}

  {{ drop_relation_if_exists(load_cached_relation(intermediate_relation)) }}
  {{ drop_relation_if_exists(load_cached_relation(backup_relation)) }}
  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {#- build SQL: the batch lands in a temporary table first (cast errors etc. surface here, before
      any change to the target), then its columns are checked against the config. -#}
  {% do run_query(pipeline_kit._merge_create_scratch(staging_relation, sql)) %}
  {%- set source_columns = adapter.get_columns_in_relation(staging_relation) -%}
  {%- set m = pipeline_kit._merge_resolve_columns(cfg, source_columns) -%}
  {%- do m.update({'now': 'cast(' ~ pipeline_kit._string_literal(run_started_at.strftime('%Y-%m-%d %H:%M:%S')) ~ ' as ' ~ pipeline_kit._naive_timestamp_type() ~ ')'}) -%}

  {%- if full_refresh -%}
    {#- First build / full refresh: an empty table with the target's columns, merged into like any batch. -#}
    {%- set build_relation = intermediate_relation if existing_relation is not none else target_relation -%}
    {% do run_query(get_create_table_as_sql(False, build_relation, pipeline_kit._merge_empty_target_sql(m, staging_relation))) %}
    {%- do m.update({'insert_columns': m.data_columns}) -%}
  {%- else -%}
    {%- set build_relation = target_relation -%}
    {%- do m.update(pipeline_kit._merge_schema_changes(m, staging_relation, existing_relation)) -%}
  {%- endif -%}

  {#- main statement(s): one MERGE where the engine has it, else delete / update / insert -#}
  {%- set use_merge = (not m.force_fallback) and pipeline_kit._merge_supports_merge() -%}
  {%- if use_merge -%}
    {%- set statements = pipeline_kit._merge_statements(m, build_relation, pipeline_kit._merge_source_sql(m, staging_relation), true) -%}
  {%- else -%}
    {%- set dedup_relation = pipeline_kit._merge_temp_relation(target_relation, '__pk_dedup') -%}
    {% do run_query(pipeline_kit._merge_create_scratch(dedup_relation, pipeline_kit._merge_source_sql(m, staging_relation))) %}
    {%- set statements = pipeline_kit._merge_statements(m, build_relation, dedup_relation, false) -%}
  {%- endif -%}
  {{ log('pipeline_kit_merge: ' ~ this ~ ' via ' ~ ('MERGE' if use_merge else 'delete/update/insert fallback'), info=false) }}
  {%- for statement_sql in statements[:-1] -%}
    {% call statement('pk_merge_step_' ~ loop.index) %}{{ statement_sql }}{% endcall %}
  {%- endfor -%}
  {% call statement('main') %}{{ statements[-1] }}{% endcall %}

  {#- scratch tables go inside the transaction (temporary ones have no schema for dbt's cache) -#}
  {%- for scratch in [staging_relation] + ([dedup_relation] if not use_merge else []) -%}
    {% call statement('pk_drop_scratch_' ~ loop.index) %}drop table if exists {{ scratch }}{% endcall %}
  {%- endfor -%}

  {#- swap: a full refresh of an existing table replaces it inside the same transaction -#}
  {%- if full_refresh and existing_relation is not none -%}
    {% do adapter.rename_relation(existing_relation, backup_relation) %}
    {% do adapter.rename_relation(intermediate_relation, target_relation) %}
  {%- endif -%}

  {#- grants and docs -#}
  {%- set should_revoke = should_revoke(existing_relation, full_refresh_mode=full_refresh) -%}
  {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke) %}
  {% do persist_docs(target_relation, model) %}

  {#- hooks: post hooks inside the transaction still roll the whole run back if they fail -#}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {% do adapter.commit() %}
  {%- if full_refresh and existing_relation is not none -%}
    {% do adapter.drop_relation(backup_relation) %}
  {%- endif -%}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {#- return -#}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
