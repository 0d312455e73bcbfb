{#- consistency_reconciliation: row count (or sum of a column) equals the other relation's within an absolute tolerance (one check). -#}
{% test consistency_reconciliation(model, compare_to, measure='count', column=none, compare_column=none, tolerance=none, rule_name=none, column_name=none) %}
  {%- do pipeline_kit._quality_model_level_only(model, 'consistency_reconciliation', column_name) -%}
  {{ config(fail_calc='coalesce(sum(is_failing), 0)', tags=['pipeline_kit_quality', 'consistency']) }}
  {{ pipeline_kit._quality_check(model, 'consistency_reconciliation', 'consistency', 'reconciliation', {'compare_to': compare_to, 'measure': measure, 'column': column, 'compare_column': compare_column, 'tolerance': tolerance, 'name': rule_name}) }}
{% endtest %}
