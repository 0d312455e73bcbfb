{#- completeness_min_row_count: the model has at least min_row_count rows (one check). -#}
{% test completeness_min_row_count(model, min_row_count, rule_name=none, column_name=none) %}
  {%- do pipeline_kit._quality_model_level_only(model, 'completeness_min_row_count', column_name) -%}
  {{ config(fail_calc='coalesce(sum(is_failing), 0)', tags=['pipeline_kit_quality', 'completeness']) }}
  {{ pipeline_kit._quality_check(model, 'completeness_min_row_count', 'completeness', 'min_row_count', {'min_row_count': min_row_count, 'name': rule_name}) }}
{% endtest %}
