{#- scd_loaded(): inside a materialized='scd' model, true when the table already exists and this
    run is not a full refresh (the scd counterpart of is_incremental()). Use it to read only the
    current batch on incremental loads and everything so far on the first build. -#}
{% macro scd_loaded() %}
  {{- return(adapter.dispatch('scd_loaded', 'pipeline_kit')()) -}}
{% endmacro %}

{% macro default__scd_loaded() %}
  {%- if not execute -%}
    {{- return(false) -}}
  {%- endif -%}
  {%- set existing = adapter.get_relation(this.database, this.schema, this.identifier) -%}
  {{- return(existing is not none and existing.is_table and not should_full_refresh()) -}}
{% endmacro %}
