{#- scd_loaded(): inside a materialized='scd' model, true when the table already exists and this
    run is not a full refresh (the scd counterpart of is_incremental()). Use it to read only the
    current batch on incremental loads and everything so far on the first build. False when
    `this` is no relation: in a dbt unit test (`this` is None there, or the name of the `this`
    input's CTE), so a unit test checks the first build unless it sets the override
    `overrides: {macros: {pipeline_kit.scd_loaded: true}}`. -#}
{% macro scd_loaded() %}
  {{- return(adapter.dispatch('scd_loaded', 'pipeline_kit')()) -}}
{% endmacro %}

{% macro default__scd_loaded() %}
  {%- if not execute or this is none or this is string -%}
    {{- return(false) -}}
  {%- endif -%}
  {%- set existing = adapter.get_relation(this.database, this.schema, this.identifier) -%}
  {{- return(existing is not none and existing.is_table and not should_full_refresh()) -}}
{% endmacro %}
