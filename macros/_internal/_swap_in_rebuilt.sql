{#- A full refresh of pipeline_kit_merge or scd over an existing table: the rebuilt table (the
    intermediate relation, with its rows) takes the target's name. Returns the relation that holds
    the old rows afterwards, which the caller drops after the commit (the callers then build the
    configured `indexes` on the target, once it has its name and its rows). -#}
{% macro _swap_in_rebuilt(existing_relation, intermediate_relation, backup_relation, target_relation) %}
  {{- return(adapter.dispatch('_swap_in_rebuilt', 'pipeline_kit')(existing_relation, intermediate_relation, backup_relation, target_relation)) -}}
{% endmacro %}

{#- Inside the run's transaction: the existing table is renamed to the backup, the rebuilt one to the target. -#}
{% macro default___swap_in_rebuilt(existing_relation, intermediate_relation, backup_relation, target_relation) %}
  {%- if existing_relation is not none -%}
    {%- do adapter.rename_relation(existing_relation, backup_relation) -%}
  {%- endif -%}
  {%- do adapter.rename_relation(intermediate_relation, target_relation) -%}
  {{- return(backup_relation) -}}
{% endmacro %}

{# DuckDB: the old table is dropped at once (a failed run rolls the drop back): DuckDB cannot rename a table that has indexes, and while a rename of an indexed table is uncommitted, duckdb_indexes() fails in every other thread (dbt-duckdb's table materialization calls it), so the old table is never renamed #}
{% macro duckdb___swap_in_rebuilt(existing_relation, intermediate_relation, backup_relation, target_relation) %}
  {%- if existing_relation is not none -%}
    {%- do adapter.drop_relation(existing_relation) -%}
  {%- endif -%}
  {%- do adapter.rename_relation(intermediate_relation, target_relation) -%}
  {{- return(backup_relation) -}}
{% endmacro %}

{# Snowflake: DDL commits on its own, so two renames leave a moment (or, if the second fails, a run) without the target, and the next run would start the table afresh from one batch; ALTER TABLE … SWAP WITH exchanges the two tables in one statement, and the intermediate name then holds the old rows. The var pipeline_kit_snowflake_swap: false keeps the two renames, for an emulator without SWAP WITH (fakesnow), and for a view that becomes a table (SWAP WITH is for two tables). #}
{% macro snowflake___swap_in_rebuilt(existing_relation, intermediate_relation, backup_relation, target_relation) %}
  {%- set swap = var('pipeline_kit_snowflake_swap', true) -%}
  {%- if swap not in [true, false] -%}
    {%- do pipeline_kit._raise(model.config.materialized, 'var `pipeline_kit_snowflake_swap` must be true or false', swap) -%}
  {%- endif -%}
  {%- if swap and existing_relation is not none and existing_relation.is_table -%}
    {%- do run_query('alter table ' ~ target_relation ~ ' swap with ' ~ intermediate_relation) -%}
    {{- return(intermediate_relation) -}}
  {%- endif -%}
  {{- return(pipeline_kit.default___swap_in_rebuilt(existing_relation, intermediate_relation, backup_relation, target_relation)) -}}
{% endmacro %}
