{#- completeness_required_columns: rows where any of the required columns is NULL, as a ratio; every listed column must exist. -#}
{% test completeness_required_columns(model, columns, max_failure_ratio=none, mostly=none, rule_name=none, column_name=none) %}
  {%- do pipeline_kit._quality_model_level_only(model, 'completeness_required_columns', column_name) -%}
  {{ config(fail_calc='coalesce(sum(is_failing), 0)', tags=['pipeline_kit_quality', 'completeness']) }}
  {{ pipeline_kit._quality_check(model, 'completeness_required_columns', 'completeness', 'required_columns', {'columns': columns, 'max_failure_ratio': max_failure_ratio, 'mostly': mostly, 'name': rule_name}) }}
{% endtest %}
