{#- The engine's timestamp type without a time zone (wall-clock time, no DST shifts). -#}
{% macro _naive_timestamp_type() %}
  {{- return(adapter.dispatch('_naive_timestamp_type', 'pipeline_kit')()) -}}
{% endmacro %}

{% macro default___naive_timestamp_type() %}
  {{- return('timestamp') -}}
{% endmacro %}

{# Snowflake: plain TIMESTAMP follows the TIMESTAMP_TYPE_MAPPING session parameter; be explicit #}
{% macro snowflake___naive_timestamp_type() %}
  {{- return('timestamp_ntz') -}}
{% endmacro %}
