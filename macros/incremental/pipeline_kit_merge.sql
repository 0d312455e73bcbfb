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
    MERGE statement. See macros/incremental.yml and the incremental merge section of the README.
    Speed: dbt compiles every macro a run calls (in every process), which costs more than the SQL
    of a typical batch, so the common path calls few, small macros and issues few statements;
    options, schema changes and full refreshes live in macros that only their runs compile. -#}
{% materialization pipeline_kit_merge, default %}

  {#- relations and config: validated before anything touches the warehouse -#}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set full_refresh = should_full_refresh() or existing_relation is none or not existing_relation.is_table -%}
  {%- set cfg = pipeline_kit._merge_static_config() -%}
  {%- set staging_relation = adapter.dispatch('_merge_temp_relation', 'pipeline_kit')(target_relation, '__pk_batch') -%}
  {%- set swap = pipeline_kit._merge_swap_relations(target_relation, existing_relation) if full_refresh and existing_relation is not none else none -%}
  {%- if pre_hooks -%}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
  {%- endif -%}

  {#- build SQL: the batch lands in a scratch table first (cast errors etc. surface here, before
      any change to the target); one query then reads its columns and the target's. -#}
  {% do run_query(adapter.dispatch('_merge_create_scratch', 'pipeline_kit')(staging_relation, sql)) %}
  {%- set found = adapter.dispatch('_merge_introspect', 'pipeline_kit')(staging_relation, none if full_refresh else existing_relation) -%}
  {%- set m = pipeline_kit._merge_resolve_columns(cfg, found.batch) -%}
  {%- if full_refresh -%}
    {#- First build / full refresh: an empty table with the target's columns, merged into like any batch. -#}
    {%- set build_relation = swap.intermediate if swap else target_relation -%}
    {%- do m.update(pipeline_kit._merge_create_empty_target(m, build_relation, staging_relation)) -%}
  {%- else -%}
    {%- set build_relation = target_relation -%}
    {%- do m.update(pipeline_kit._merge_schema_changes(m, staging_relation, existing_relation, found.target)) -%}
  {%- endif -%}

  {#- main statement: staged delete + insert by row id, one MERGE, or the delete / update / insert
      fallback (PostgreSQL < 15, or merge_force_fallback), sent as one call (Snowflake's adapter
      splits it) with the drops of the scratch tables, inside the transaction (temporary ones
      have no schema for dbt's cache) -#}
  {%- set path = 'fallback' if m.force_fallback else found.path -%}
  {%- set scratch_relation = adapter.dispatch('_merge_temp_relation', 'pipeline_kit')(target_relation, '__pk_dedup') -%}
  {%- set source_sql = pipeline_kit._merge_source_sql(m, staging_relation) -%}
  {%- if path == 'staged' -%}
    {%- set statements = [pipeline_kit._merge_staged_sql(m, build_relation, source_sql, scratch_relation, found.row_id)] -%}
  {%- elif path == 'merge' -%}
    {%- set statements = pipeline_kit._merge_statements(m, build_relation, source_sql, true) -%}
  {%- else -%}
    {%- set statements = pipeline_kit._merge_fallback_statements(m, build_relation, source_sql, scratch_relation) -%}
  {%- endif -%}
  {{ log('pipeline_kit_merge: ' ~ this ~ ' via ' ~ path, info=false) }}
  {% call statement('main') %}{{ statements | join(';\n') }};
    drop table if exists {{ staging_relation }}{{ (';\n    drop table if exists ' ~ scratch_relation) if path != 'merge' else '' }}{% endcall %}

  {#- swap: a full refresh of an existing table replaces it inside the same transaction -#}
  {%- if swap -%}
    {% do adapter.rename_relation(existing_relation, swap.backup) %}
    {% do adapter.rename_relation(swap.intermediate, target_relation) %}
  {%- endif -%}

  {#- grants and docs (no-ops without config, so their macros are only called with it) -#}
  {%- set grant_config = config.get('grants') -%}
  {%- if grant_config -%}
    {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke(existing_relation, full_refresh_mode=full_refresh)) %}
  {%- endif -%}
  {%- if config.persist_relation_docs() or config.persist_column_docs() -%}
    {% do persist_docs(target_relation, model) %}
  {%- endif -%}

  {#- hooks: post hooks inside the transaction still roll the whole run back if they fail -#}
  {%- if post_hooks -%}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
  {%- endif -%}
  {% do adapter.commit() %}
  {%- if swap -%}
    {% do adapter.drop_relation(swap.backup) %}
  {%- endif -%}
  {%- if post_hooks -%}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
  {%- endif -%}

  {#- return -#}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
