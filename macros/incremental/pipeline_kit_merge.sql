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
    Speed: dbt compiles every macro a run calls (in every process, about 1 ms a macro plus
    about 0.05 ms a Jinja expression node; literal SQL text is nearly free), which costs more
    than the SQL of a typical batch. So the common path calls few, small macros that write SQL
    as template text, and issues few statements; options, schema changes, full refreshes,
    hooks, grants and docs live in macros that only their runs compile. -#}
{% materialization pipeline_kit_merge, default %}

  {#- relations and config: validated before anything touches the warehouse -#}
  {#- dbt's load_cached_relation(this) and should_full_refresh(), written out: two macros less to compile -#}
  {%- set existing_relation = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier) -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set full_refresh = config.get('full_refresh') -%}
  {%- set full_refresh = (flags.FULL_REFRESH if full_refresh is none else full_refresh) or existing_relation is none or not existing_relation.is_table -%}
  {%- set cfg = pipeline_kit._merge_static_config() -%}
  {%- set swap = pipeline_kit._merge_swap_relations(target_relation, existing_relation) if full_refresh and existing_relation is not none else none -%}
  {%- if pre_hooks -%}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
  {%- endif -%}

  {#- build SQL: the batch lands in a scratch table first (cast errors etc. surface here, before
      any change to the target); the same call reads its columns and the target's, and picks
      the path ('staged', 'merge' or 'fallback') and the scratch relations. -#}
  {%- set found = adapter.dispatch('_merge_prepare', 'pipeline_kit')(target_relation, none if full_refresh else existing_relation, sql) -%}
  {%- set m = pipeline_kit._merge_resolve_columns(cfg, found, none if full_refresh else existing_relation) -%}
  {#- an enforced contract is checked on every run, as dbt's incremental does: here the batch with
      the managed columns against it (a first build or full refresh checks it creating the table) -#}
  {%- if not full_refresh and config.get('contract').enforced -%}
    {%- do get_assert_columns_equivalent(pipeline_kit._merge_empty_target_sql(m, found.batch_relation)) -%}
  {%- endif -%}
  {#- batch columns of another type than the table keeps: cast to it, so keys and values compare as stored -#}
  {%- if m.cast_batch -%}
    {%- do pipeline_kit._merge_cast_batch(m, found) -%}
  {%- endif -%}
  {#- on_schema_change's ALTERs, once the batch has passed the checks above (see _merge_alter_target) -#}
  {%- if m.get('schema_alter') -%}
    {%- do pipeline_kit._merge_alter_target(m, existing_relation) -%}
  {%- endif -%}
  {%- set build_relation = target_relation -%}
  {%- if full_refresh -%}
    {#- First build / full refresh: an empty table with the target's columns, merged into like any batch. -#}
    {%- set build_relation = swap.intermediate if swap else target_relation -%}
    {%- do m.update(pipeline_kit._merge_create_empty_target(m, build_relation, found.batch_relation)) -%}
  {%- endif -%}

  {#- main statement: staged delete + insert by row id, one MERGE, or the delete / update / insert
      fallback (PostgreSQL < 15, or merge_force_fallback), sent as one call (Snowflake's adapter
      splits it; the fallback's statements go one call each), inside the transaction. The builder is _merge_<path>_sql, looked up by name. The
      write is the call's last statement, so dbt reports its row count (MERGE 20000), except on
      the staged path (DuckDB, which reports no counts), whose call ends with the scratch tables'
      drops. Elsewhere they are dropped next (temporary ones have no schema for dbt's cache), or,
      on PostgreSQL, by the commit (on commit drop). -#}
  {%- set path = 'fallback' if m.force_fallback else found.path -%}
  {{ log('pipeline_kit_merge: ' ~ this ~ ' via ' ~ path, info=false) }}
  {%- set main_sql = pipeline_kit['_merge_' ~ path ~ '_sql'](m, build_relation, adapter.dispatch('_merge_parts', 'pipeline_kit')(m, found.batch_relation), found) -%}
  {#- found.lock (PostgreSQL): other writers wait for the commit, so a key another session inserts
      meanwhile is matched, not inserted twice (no unique index stops that) -#}
  {%- set lock_sql = ('lock table ' ~ target_relation ~ ' in ' ~ found.lock ~ ' mode;\n') if found.get('lock') and not full_refresh else '' -%}
  {%- if main_sql is string %}
    {% call statement('main') %}{{ lock_sql }}{{ main_sql }}{% endcall %}
  {%- else -%}
    {%- do pipeline_kit._merge_run_fallback(main_sql, lock_sql) -%}
  {%- endif %}
  {%- if path != 'staged' and not found.get('on_commit_drop') %}
    {% call statement('pk_merge_drop_scratch') %}
      drop table if exists {{ found.batch_relation }}{% if path == 'fallback' %};
      drop table if exists {{ found.dedup_relation }}{% endif %}
    {%- endcall %}
  {%- endif %}

  {#- swap, indexes of a rebuilt table, grants, docs, post hooks and commit; without any of them just the commit -#}
  {%- if swap or (full_refresh and config.get('indexes')) or post_hooks or config.get('grants') or config.persist_relation_docs() or config.persist_column_docs() -%}
    {%- do pipeline_kit._merge_finish(target_relation, existing_relation, swap, full_refresh, post_hooks) -%}
  {%- else -%}
    {%- do adapter.commit() -%}
  {%- endif -%}

  {#- return -#}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
