{#- Indexes around the swap of a rebuild (first build or full refresh) of pipeline_kit_merge and
    scd. DuckDB cannot rename a table that has indexes, so the table being replaced loses its
    indexes before it is renamed to the backup (inside the run's transaction: a failed run keeps
    them), and the configured ones (dbt's `indexes` config, as dbt-postgres and dbt-duckdb read
    it) are built on the new table once it has its name and its rows: one bulk build each. -#}
{% macro _drop_indexes_before_rename(relation) %}
  {{- return(adapter.dispatch('_drop_indexes_before_rename', 'pipeline_kit')(relation)) -}}
{% endmacro %}

{# Other engines rename a table together with its indexes: nothing to do #}
{% macro default___drop_indexes_before_rename(relation) %}
{% endmacro %}

{# DuckDB: its rename fails while the table has an index ("entries that depend on it"); dbt-duckdb's own table materialization drops them the same way #}
{% macro duckdb___drop_indexes_before_rename(relation) %}
  {%- do drop_indexes_on_relation(relation) -%}
{% endmacro %}
