{#- The swap of a rebuild (first build or full refresh) of pipeline_kit_merge and scd, inside the
    run's transaction: the table being replaced makes way for the new one, which is then renamed
    to the target and gets the configured indexes (dbt's `indexes` config, as dbt-postgres and
    dbt-duckdb read it) once it has its name and its rows: one bulk build each. -#}
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
