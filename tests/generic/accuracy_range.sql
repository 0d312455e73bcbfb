{#- accuracy_range: values outside [min_value, max_value] (either bound optional; NULLs pass), as a ratio. -#}
{% test accuracy_range(model, column_name, min_value=none, max_value=none, max_failure_ratio=none, mostly=none, rule_name=none) %}
  {{ config(fail_calc='coalesce(sum(is_failing), 0)', tags=['pipeline_kit_quality', 'accuracy']) }}
  {{ pipeline_kit._quality_check(model, 'accuracy_range', 'accuracy', 'range', {'column': column_name, 'min_value': min_value, 'max_value': max_value, 'max_failure_ratio': max_failure_ratio, 'mostly': mostly, 'name': rule_name}) }}
{% endtest %}
