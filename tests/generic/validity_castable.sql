{#- validity_castable: non-NULL values that do not convert to the type, as a ratio. -#}
{% test validity_castable(model, column_name, type, max_failure_ratio=none, mostly=none, rule_name=none) %}
  {{ config(fail_calc='coalesce(sum(is_failing), 0)', tags=['pipeline_kit_quality', 'validity']) }}
  {{ pipeline_kit._quality_check(model, 'validity_castable', 'validity', 'castable', {'column': column_name, 'castable_to': type, 'max_failure_ratio': max_failure_ratio, 'mostly': mostly, 'name': rule_name}) }}
{% endtest %}
