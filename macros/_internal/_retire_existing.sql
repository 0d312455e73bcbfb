{#- A full refresh of pipeline_kit_merge or scd over an existing table, inside the run's
    transaction: the existing table makes way before the new one is renamed to the target (the
    callers then build the configured `indexes` on it, once it has its name and its rows). -#}
{% macro _retire_existing(existing_relation, backup_relation) %}
  {{- return(adapter.dispatch('_retire_existing', 'pipeline_kit')(existing_relation, backup_relation)) -}}
{% endmacro %}

{#- Renamed to the backup, dropped after the commit. -#}
{% macro default___retire_existing(existing_relation, backup_relation) %}
  {%- do adapter.rename_relation(existing_relation, backup_relation) -%}
{% endmacro %}

{# DuckDB: dropped at once (a failed run rolls the drop back): DuckDB cannot rename a table that has indexes, and while a rename of an indexed table is uncommitted, duckdb_indexes() fails in every other thread (dbt-duckdb's table materialization calls it), so the old table is never renamed #}
{% macro duckdb___retire_existing(existing_relation, backup_relation) %}
  {%- do adapter.drop_relation(existing_relation) -%}
{% endmacro %}
