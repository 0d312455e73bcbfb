{#- quality_results_relation: the warehouse table the on-run-end hook appends test results to
    (schema `pipeline_kit_results_schema`, default the target schema; table
    `pipeline_kit_results_table`, default `pipeline_kit_test_results`). -#}
{% macro quality_results_relation() %}
  {{- return(adapter.dispatch('quality_results_relation', 'pipeline_kit')()) -}}
{% endmacro %}

{% macro default__quality_results_relation() %}
  {{- return(api.Relation.create(
      database=target.database,
      schema=var('pipeline_kit_results_schema', target.schema),
      identifier=var('pipeline_kit_results_table', 'pipeline_kit_test_results'))) -}}
{% endmacro %}
