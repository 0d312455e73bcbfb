{#- materialized='scd': slowly changing dimensions of type 1, 2 or 3 from a batch of changes
    (or a full snapshot when hard_deletes is used). See macros/scd.yml and the SCD section of the README.
    dbt compiles every macro the first time a process calls it (about a millisecond each, more with
    every Jinja expression), which is most of a small load's time: the common path therefore calls few
    macros (dialect pieces come from one dispatch, SQL fragments are built once in
    _scd_resolve_columns), and rebuilds, rare options, hooks and grants only when they are used. -#}
{% materialization scd, default %}
  {#- relations (the scratch tables share one generated name; intermediate and backup only for a rebuild) -#}
  {%- set target_relation = this.incorporate(type='table') -%}
  {#- dbt's load_cached_relation and should_full_refresh, inlined (each macro costs a compile) -#}
  {%- set existing_relation = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier) -%}
  {%- set full_refresh = config.get('full_refresh') -%}
  {%- set full_refresh = (flags.FULL_REFRESH if full_refresh is none else full_refresh) or existing_relation is none or not existing_relation.is_table -%}
  {%- set dialect = adapter.dispatch('_scd_dialect', 'pipeline_kit')(target_relation) -%}
  {%- set raw_relation = dialect.raw_relation -%}
  {%- set name_parts = raw_relation.identifier.rpartition('__pk_scd_raw') -%}
  {#- PostgreSQL cuts names at 63 bytes, make_temp_relation at 63 characters: a model name of
      multi-byte characters would give every scratch table one name -#}
  {%- if target.type == 'postgres' and raw_relation.identifier.encode('utf-8') | length > 63 -%}
    {%- set budget = 63 - (name_parts[1] ~ name_parts[2]) | length -%}
    {%- set name_parts = [name_parts[0].encode('utf-8')[:budget].decode('utf-8', 'ignore'), name_parts[1], name_parts[2]] -%}
    {%- set raw_relation = raw_relation.incorporate(path={'identifier': name_parts | join('')}) -%}
    {%- do dialect.update({'raw_relation': raw_relation}) -%}
  {%- endif -%}
  {%- set scratch = {} -%}
  {#- each tag as long as `raw`: on PostgreSQL make_temp_relation cuts a long model name so the raw
      name is exactly 63 characters, and a longer tag would exceed the limit -#}
  {%- for part, tag in [('src', 'src'), ('keys', 'key'), ('new', 'new'), ('tgt', 'tgt')] -%}
    {%- do scratch.update({part: raw_relation.incorporate(path={'identifier': name_parts[0] ~ '__pk_scd_' ~ tag ~ name_parts[2]})}) -%}
  {%- endfor -%}

  {#- config: validated before anything runs -#}
  {%- set cfg = pipeline_kit._scd_config() -%}
  {#- --empty and --sample give the select part of the source (no rows, or a time window): with
      hard_deletes, a live key missing from it must not count as deleted (a dbt snapshot closes
      every version under --empty, dbt-adapters #1329) -#}
  {%- if cfg.hard_deletes != 'ignore' and (flags.EMPTY or invocation_args_dict.get('sample')) -%}
    {%- do cfg.update({'partial_source': true}) -%}
    {%- do log('pipeline_kit.scd: ' ~ this ~ ': the select reads part of the source (--empty or --sample), so hard_deletes records no deletes on this run', info=true) -%}
  {%- endif -%}

  {%- if pre_hooks -%}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
  {%- endif -%}

  {#- build SQL: stage the batch once, learn its columns (and the table's), key and hash it. DuckDB
      describes both in the same round trip (the query of dbt-duckdb's get_columns_in_relation,
      whose three macros cost more to compile than the query takes) -#}
  {%- call statement('scd_stage_raw', fetch_result=dialect.describe) -%}
    {%- if dialect.lock and not full_refresh %}
    lock table {{ target_relation }} in {{ dialect.lock }} mode;
    {%- endif %}
    {{ config.get('sql_header') or '' }}
    {{ dialect.scratch }} {{ raw_relation }} as (
      {{ sql }}
    )
    {%- if dialect.describe %};
    select c.* from (
      select 0 as rel, row_number() over () as pos, column_name, column_type from (describe {{ raw_relation }})
      {%- if not full_refresh %}
      union all
      select 1 as rel, row_number() over () as pos, column_name, column_type from (describe {{ target_relation }})
      {%- endif %}
    ) as c
    order by c.rel, c.pos
    {%- endif %}
  {%- endcall -%}
  {%- set columns = [[], []] -%}
  {%- if dialect.describe -%}
    {%- for row in load_result('scd_stage_raw').table -%}
      {%- do columns[row[0] | int].append(api.Column(row[2], row[3], none, none, none)) -%}
    {%- endfor -%}
  {%- else -%}
    {%- set columns = [adapter.get_columns_in_relation(raw_relation), none if full_refresh else adapter.get_columns_in_relation(target_relation)] -%}
  {%- endif -%}
  {#- an enforced contract is checked on every run, as dbt's incremental does (a first build or
      full refresh checks it creating the table): the model's columns and the generated ones -#}
  {%- if not full_refresh and config.get('contract').enforced -%}
    {%- do pipeline_kit._scd_assert_contract(raw_relation, target_relation, columns) -%}
  {%- endif -%}
  {#- with hard_deletes the whole table is compared with the source; otherwise the rows of the
      batch's keys are staged once (target_rows) and read from there -#}
  {%- set stage_rows = not full_refresh and cfg.hard_deletes == 'ignore' -%}
  {%- set arg_dict = {'cfg': cfg, 'd': dialect, 'raw_relation': raw_relation, 'source': scratch.src,
                      'keys_relation': scratch['keys'], 'new_relation': scratch.new, 'target': target_relation,
                      'has_target': not full_refresh, 'target_rows': scratch.tgt if stage_rows else target_relation} -%}
  {%- do arg_dict.update({'cols': pipeline_kit._scd_resolve_columns(arg_dict, columns[0])}) -%}

  {%- if full_refresh -%}
    {#- main statement and swap: build the whole dimension beside the old one -#}
    {%- set backup_relation = pipeline_kit._scd_rebuild(arg_dict, existing_relation) -%}
  {%- else -%}
    {#- one round trip: the batch, the keys it touches, their count and how many are not fast (see
        _scd_stage_sql). Named main: when the batch holds nothing new, no write follows and the
        table is left as it is -#}
    {%- set target_columns = columns[1] -%}
    {#- types: when the batch's columns are not the table's first ones with the same types, see
        _scd_check_types (a list comparison here spares its compile on a common load) -#}
    {%- set size = columns[0] | length -%}
    {%- set differ = columns[0] | map(attribute='name') | list != target_columns[:size] | map(attribute='name') | list
          or columns[0] | map(attribute='data_type') | list != target_columns[:size] | map(attribute='data_type') | list -%}
    {%- if differ -%}
      {%- do pipeline_kit._scd_check_types(columns[0], target_columns) -%}
    {%- endif -%}
    {%- if cfg.on_schema_change == 'append_new_columns' -%}
      {%- set target_columns = pipeline_kit._scd_append_new_columns(arg_dict, columns[0], target_columns) -%}
    {%- endif -%}
    {#- narrower string columns widened (_scd_expand_strings), then the batch hashed as the table holds it -#}
    {%- if differ -%}
      {%- set target_columns = pipeline_kit._scd_expand_strings(arg_dict, columns[0], target_columns) -%}
      {%- do arg_dict.cols.update(pipeline_kit._scd_cast_state(arg_dict, columns[0], target_columns)) -%}
    {%- endif -%}
    {%- call statement('main', fetch_result=True) -%}
      {{ pipeline_kit._scd_stage_sql(arg_dict, target_columns) }}
    {%- endcall -%}
    {%- set counts = load_result('main')['data'][0] -%}
    {%- if cfg.max_deleted_ratio is not none and counts[2] | int > cfg.max_deleted_ratio * counts[3] | int -%}
      {%- do pipeline_kit._raise('scd', 'the select lacks ' ~ counts[2] | int ~ ' of the ' ~ counts[3] | int ~ ' live keys, more than `max_deleted_ratio` ' ~ cfg.max_deleted_ratio ~ ' allows the load to delete; nothing was written. A failed or partial extract? If the deletes are real, allow them for one run (e.g. max_deleted_ratio from a var)', (counts[2] / counts[3]) | round(4)) -%}
    {%- endif -%}
    {%- if counts[0] | int > 0 -%}
      {#- main statement: replace the touched keys' rows in one transaction -#}
      {%- do arg_dict.update({'touched': counts[0] | int, 'slow': counts[1] | int}) -%}
      {{ pipeline_kit._scd_replace_rows(arg_dict) }}
    {%- endif -%}
  {%- endif -%}

  {#- grants and docs, as dbt's snapshot applies them: inside the transaction, before the post
      hooks (what runs after the commit in a transaction of its own is rolled back when dbt
      closes the connection; on Snowflake every statement commits on its own, as in any
      dbt-snowflake materialization). dbt's apply_grants and persist_docs do nothing without
      their configs; checking first spares their compiles -#}
  {%- if config.get('grants') or config.persist_relation_docs() or config.persist_column_docs() -%}
    {%- do pipeline_kit._scd_grants_and_docs(target_relation, existing_relation, full_refresh) -%}
  {%- endif -%}
  {%- if post_hooks -%}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
  {%- endif -%}
  {%- do adapter.commit() -%}
  {%- if full_refresh -%}
    {{ drop_relation_if_exists(backup_relation) }}
  {%- endif -%}
  {#- the scratch tables, in one round trip -#}
  {%- call statement('scd_drop_scratch', auto_begin=False) -%}
    {{ 'drop table if exists {raw_relation};\ndrop table if exists {source};\ndrop table if exists {tgt};\ndrop table if exists {keys_relation};\ndrop table if exists {new_relation}'.format(tgt=scratch.tgt, **arg_dict) }}
  {%- endcall -%}

  {#- hooks -#}
  {%- if post_hooks -%}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
  {%- endif -%}

  {#- return -#}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
