{#- merge_is_incremental: dbt's is_incremental() for pipeline_kit_merge models. dbt's own macro
    answers true only when materialized == 'incremental', so inside a pipeline_kit_merge model
    it is always false; this one is true when the target exists as a table, the model is
    materialized as pipeline_kit_merge (or incremental) and the run is not a full refresh. In a
    dbt unit test it is dbt's is_incremental(), so `overrides: macros: {is_incremental: true}`
    applies (overriding `pipeline_kit.merge_is_incremental` works too). -#}
{% macro merge_is_incremental() %}
  {{- return(adapter.dispatch('merge_is_incremental', 'pipeline_kit')()) -}}
{% endmacro %}

{% macro default__merge_is_incremental() %}
  {%- if not execute -%}
    {{- return(false) -}}
  {%- endif -%}
  {#- a dbt unit test: false unless its `overrides: macros:` sets dbt's is_incremental (whose own
      body fails there without a `this` input) -#}
  {%- if model is mapping and model.get('resource_type') == 'unit_test' -%}
    {%- set overrides = (model.get('overrides') or {}).get('macros') or {} -%}
    {{- return(('is_incremental' in overrides or 'dbt.is_incremental' in overrides) and is_incremental()) -}}
  {%- endif -%}
  {%- set materialized = model.config.materialized if model is mapping and model.config is defined else none -%}
  {%- if materialized not in ['pipeline_kit_merge', 'incremental'] -%}
    {{- return(false) -}}
  {%- endif -%}
  {%- set relation = adapter.get_relation(this.database, this.schema, this.identifier) -%}
  {{- return(relation is not none and relation.is_table and not should_full_refresh()) -}}
{% endmacro %}
