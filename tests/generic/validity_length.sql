{#- validity_length: non-NULL values whose length is outside [min_length, max_length], as a ratio. -#}
{% test validity_length(model, column_name, min_length=none, max_length=none, max_failure_ratio=none, mostly=none, rule_name=none) %}
  {{ config(fail_calc='coalesce(sum(is_failing), 0)', tags=['pipeline_kit_quality', 'validity']) }}
  {{ pipeline_kit._quality_check(model, 'validity_length', 'validity', 'length', {'column': column_name, 'min_length': min_length, 'max_length': max_length, 'max_failure_ratio': max_failure_ratio, 'mostly': mostly, 'name': rule_name}) }}
{% endtest %}
